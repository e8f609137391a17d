from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MemberAccountsConfig(AppConfig):
    name = "doanvien.member_accounts"
    label = "member_accounts"
    verbose_name = _("Member accounts")
