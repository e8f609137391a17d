from django.contrib import admin

from .models import ChangeRequest


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are made by members and decided by their branches (the services)."""

    list_display = ("member", "state", "created_at", "decided_at")
    list_filter = ("state",)
    raw_id_fields = ("member", "created_by", "decided_by")
    readonly_fields = [f.name for f in ChangeRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
