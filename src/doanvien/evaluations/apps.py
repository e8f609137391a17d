from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "doanvien.evaluations"
    label = "evaluations"
    verbose_name = _("Unit evaluations")

    def ready(self):
        # The roll-ups' folder folds this app's ledger too (core/ledger.py); the shipped
        # indicators are registered (indicators.py).
        from doanvien.core import ledger

        from . import indicators, rollup

        ledger.register_ledger(rollup.fold_batch, rollup.waiting)
        indicators.install_shipped()
