from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    readonly_fields = ("unit", "role", "granted_by", "granted_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # roles are granted on the unit's page, which records them


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "is_active", "is_superuser", "is_demo")
    search_fields = ("username", "full_name", "email")
    raw_id_fields = ("member",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("doanvien", {"fields": ("full_name", "member")}),
    )
    inlines = [RoleGrantInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__code", "unit__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
