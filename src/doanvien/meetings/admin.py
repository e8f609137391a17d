"""The meeting rules kept as data that an administrator edits: the cadence (after a change,
`manage.py recompute_meetings --fix` counts the branches' covered months again)."""

from django.contrib import admin

from .models import CadenceRule


@admin.register(CadenceRule)
class CadenceRuleAdmin(admin.ModelAdmin):
    list_display = ("unit", "per_month")
    raw_id_fields = ("unit",)
