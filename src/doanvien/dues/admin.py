"""The dues rules kept as data that an administrator edits: the removal rule."""

from django.contrib import admin

from .models import RemovalRule


@admin.register(RemovalRule)
class RemovalRuleAdmin(admin.ModelAdmin):
    list_display = ("unit", "months")
    raw_id_fields = ("unit",)
