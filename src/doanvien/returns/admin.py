"""The returns' data a province edits: the default campaigns, each year's campaigns (a unit's
own survey among them) and the forms' rows, columns, cells and checks (JSON; the layouts
shipped are placeholders, see returns/default_forms.py)."""

from django.contrib import admin

from .models import Campaign, FormDefinition, PeriodDefault, Return


@admin.register(PeriodDefault)
class PeriodDefaultAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "due_day", "due_month", "late_policy")


@admin.register(FormDefinition)
class FormDefinitionAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "owner")
    raw_id_fields = ("owner",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "period", "owner", "due_on", "late_policy")
    list_filter = ("year", "period")
    raw_id_fields = ("owner",)
    filter_horizontal = ("forms",)

    def save_model(self, request, obj, form, change):
        obj.owner_path = obj.owner.path if obj.owner else ""
        super().save_model(request, obj, form, change)


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ("unit", "campaign", "state", "submitted_at", "late")
    list_filter = ("state", "late")
    raw_id_fields = ("unit",)
    readonly_fields = ("snapshot", "submitted_at", "submitted_by", "decided_at", "decided_by")
