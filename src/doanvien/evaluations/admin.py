"""Editing a published scheme's groups and items, the shipped defaults and the rating policies
(the province switch, the months before rating, the optional quota on "excellent"): the
administrator, or a unit's cadre given admin access."""

from django.contrib import admin

from .models import DefaultEvaluationDeadline, RatingPolicy, Scheme, SchemeGroup, SchemeItem


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


@admin.register(RatingPolicy)
class RatingPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "unit",
        "level_equals_programme",
        "eligibility_months",
        "excellent_quota_percent",
    )
    raw_id_fields = ("unit",)
