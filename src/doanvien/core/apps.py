from django.apps import AppConfig

from . import lookups  # noqa: F401  (registers field__any_of on text fields)


class CoreConfig(AppConfig):
    name = "doanvien.core"
    label = "core"
