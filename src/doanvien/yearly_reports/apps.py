from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearlyReportsConfig(AppConfig):
    name = "doanvien.yearly_reports"
    label = "yearly_reports"
    verbose_name = _("Yearly reports")
