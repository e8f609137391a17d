from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "doanvien.portal"
    label = "portal"
