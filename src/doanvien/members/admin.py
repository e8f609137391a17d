from django.contrib import admin

from .models import Member, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ("branch", "started_on", "ended_on", "reason")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Read-only: records change through the member pages, which validate and record history."""

    list_display = ("full_name", "member_code", "branch", "status")
    list_filter = ("status", "sex", "position")
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
