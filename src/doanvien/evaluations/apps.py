from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "doanvien.evaluations"
    label = "evaluations"
    verbose_name = _("Unit evaluations")
