from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "doanvien.profiles"
    label = "profiles"
    verbose_name = _("The member's own side")
