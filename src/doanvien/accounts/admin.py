from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    raw_id_fields = ("unit",)
    readonly_fields = ("granted_by", "granted_at")


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
    raw_id_fields = ("user", "unit")
    search_fields = ("user__username", "unit__code", "unit__name")
