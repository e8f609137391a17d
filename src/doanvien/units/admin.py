from django.contrib import admin

from .models import Level, Unit


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "rank")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Read the tree here; change it through the unit pages, which keep counts and history."""

    list_display = ("name", "code", "level", "kind", "sector", "member_count", "is_active")
    list_filter = ("level", "kind", "sector", "is_active")
    search_fields = ("name", "code")
    readonly_fields = ("path", "depth", "numchild", "member_count", "name_folded")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
