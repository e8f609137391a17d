from django.contrib import admin

from .models import AccountRules, NotMeReport


@admin.register(AccountRules)
class AccountRulesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "code_days", "updated_at"]


@admin.register(NotMeReport)
class NotMeReportAdmin(admin.ModelAdmin):
    list_display = ["member", "unit", "created_at", "closed_at"]
    raw_id_fields = ["unit", "member", "user", "code", "closed_by"]
    readonly_fields = ["unit_path"]
