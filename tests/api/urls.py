"""A URL configuration with only the API, used when the project's own cannot be imported
(the web views are written alongside)."""

from django.urls import path

from doanvien.api.api import api

urlpatterns = [path("api/", api.urls)]
