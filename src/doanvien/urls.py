from django.contrib import admin
from django.urls import include, path

from doanvien import health
from doanvien.api.api import api

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("doanvien.web_urls")),
]
