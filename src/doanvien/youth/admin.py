"""The "1+1" programme's parameters kept as data that an administrator edits (ReferralSettings:
the nearest row above a unit applies to its subtree). The level codes are checked against the
tree's levels."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from doanvien.units.models import Level

from .models import ReferralSettings


class ReferralSettingsForm(forms.ModelForm):
    class Meta:
        model = ReferralSettings
        fields = [
            "unit",
            "target_per_member",
            "report_day",
            "report_month",
            "report_level",
            "review_levels",
            "retention_years",
        ]

    def _codes(self, value: str) -> list[str]:
        codes = [c.strip() for c in value.split(",") if c.strip()]
        known = set(Level.objects.filter(code__in=codes).values_list("code", flat=True))
        if unknown := [c for c in codes if c not in known]:
            raise forms.ValidationError(
                _("No level has the code: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return codes

    def clean_report_level(self) -> str:
        value = self.cleaned_data["report_level"].strip()
        self._codes(value)
        return value

    def clean_review_levels(self) -> str:
        return ",".join(self._codes(self.cleaned_data["review_levels"]))


@admin.register(ReferralSettings)
class ReferralSettingsAdmin(admin.ModelAdmin):
    form = ReferralSettingsForm
    list_display = ("unit", "target_per_member", "report_day", "report_month", "report_level")
    raw_id_fields = ("unit",)
