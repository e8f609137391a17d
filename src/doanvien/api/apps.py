from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "doanvien.api"
    label = "api"
