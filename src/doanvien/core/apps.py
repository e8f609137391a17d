from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "doanvien.core"
    label = "core"
