"""Editing a published scheme's groups and items, and the shipped defaults (the administrator,
or a unit's cadre given admin access)."""

from django.contrib import admin

from .models import DefaultEvaluationDeadline, Scheme, SchemeGroup, SchemeItem


class ItemInline(admin.TabularInline):
    model = SchemeItem
    extra = 0


@admin.register(SchemeGroup)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "scheme", "order")
    inlines = [ItemInline]


class GroupInline(admin.TabularInline):
    model = SchemeGroup
    extra = 0
    show_change_link = True


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "unit", "year", "is_placeholder", "pass_mark")
    list_filter = ("code", "is_placeholder")
    raw_id_fields = ("unit",)
    inlines = [GroupInline]


@admin.register(DefaultEvaluationDeadline)
class DefaultDeadlineAdmin(admin.ModelAdmin):
    list_display = ("scheme", "kind", "sector", "day", "month", "year_offset", "source")
