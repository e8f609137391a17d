from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MemberStatsConfig(AppConfig):
    name = "doanvien.member_stats"
    label = "member_stats"
    verbose_name = _("Member statistics and indicators")
