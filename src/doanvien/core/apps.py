from django.apps import AppConfig

from . import (
    lookups,  # noqa: F401  (registers field__any_of on text fields)
    requestlog,
)


class CoreConfig(AppConfig):
    name = "doanvien.core"
    label = "core"

    def ready(self):
        # Log records carry the request or job they were made in (settings.LOGGING).
        requestlog.install()
