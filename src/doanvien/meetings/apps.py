from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "doanvien.meetings"
    label = "meetings"
    verbose_name = _("Branch meetings")

    def ready(self):
        # The dues removal-candidates list counts the months a member missed the meetings.
        from doanvien.dues.removal import register_absence_source

        register_absence_source("doanvien.meetings.selectors.absence_counts")
