from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    name = "doanvien.dues"
    label = "dues"
    verbose_name = _("Dues")

    def ready(self) -> None:
        # The folder (training.rollup.fold, manage.py fold_rollups) folds this app's ledger too.
        from doanvien.core.ledger import register_folder

        from . import ledger

        register_folder("dues", ledger.fold, ledger.waiting)
