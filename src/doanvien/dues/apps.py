from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from doanvien.core.ledger import register_folder


class DuesConfig(AppConfig):
    name = "doanvien.dues"
    label = "dues"
    verbose_name = _("Dues")

    def ready(self) -> None:
        # The folder (training.rollup.fold, manage.py fold_rollups) folds this app's ledger too.
        register_folder("dues", "doanvien.dues.ledger.fold", "doanvien.dues.ledger.waiting")
