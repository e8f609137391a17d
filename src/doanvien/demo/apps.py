from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "doanvien.demo"
    label = "demo"
