from django.contrib import admin
from django.urls import include, path

from doanvien.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("doanvien.web_urls")),
]
