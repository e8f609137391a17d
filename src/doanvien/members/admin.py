from django.contrib import admin

from doanvien.core import audit

from .models import DuplicateIdReport, Member, MemberRules, Membership

RULE_FIELDS = (
    "unit",
    "valid_from",
    "admission_min_years",
    "admission_min_days",
    "admission_max_age",
    "maturing_age",
    "keep_max_age",
    "source",
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ("branch", "started_on", "ended_on", "reason")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Read-only: records change through the member pages, which validate and record history."""

    list_display = ("full_name", "member_code", "branch", "status")
    list_filter = ("status", "sex", "position", "audience")
    search_fields = ("name_folded", "member_code")
    list_select_related = ("branch",)
    exclude = ("id_number",)
    inlines = [MembershipInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DuplicateIdReport)
class DuplicateIdReportAdmin(admin.ModelAdmin):
    """Read-only: the reports of duplicate ID numbers (members/services/duplicates.py), settled
    on the page of the unit that sees both records; here also those of no unit (two records
    in separate trees), which only administrators see."""

    list_display = ("__str__", "unit", "entered_unit", "source", "hits", "last_at", "resolved_at")
    list_filter = ("source",)
    list_select_related = ("unit", "entered_unit")
    exclude = ("id_number",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MemberRules)
class MemberRulesAdmin(admin.ModelAdmin):
    """The age rules of membership (members/rules.py), per unit subtree and date; every change
    is recorded in the audit trail."""

    list_display = (
        "__str__",
        "admission_min_years",
        "admission_min_days",
        "admission_max_age",
        "maturing_age",
        "keep_max_age",
        "source",
    )
    list_select_related = ("unit",)
    raw_id_fields = ("unit",)
    fields = RULE_FIELDS

    def save_model(self, request, obj, form, change):
        before = (
            audit.snapshot(MemberRules.objects.get(pk=obj.pk), RULE_FIELDS)
            if change
            else dict.fromkeys(RULE_FIELDS)
        )
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="member_rules.changed" if change else "member_rules.created",
            target=obj,
            unit_path=obj.unit.path if obj.unit_id else "",
            summary=str(obj),
            changes=audit.diff(before, audit.snapshot(obj, RULE_FIELDS)),
        )

    def _record_deleted(self, request, obj):
        audit.record(
            actor=request.user,
            action="member_rules.deleted",
            target=obj,
            unit_path=obj.unit.path if obj.unit_id else "",
            summary=str(obj),
            changes={k: [v, None] for k, v in audit.snapshot(obj, RULE_FIELDS).items()},
        )

    def delete_model(self, request, obj):
        self._record_deleted(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("unit"):
            self._record_deleted(request, obj)
        super().delete_queryset(request, queryset)
