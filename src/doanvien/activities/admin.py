from django.contrib import admin

from .models import ActivityKind


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    """The kinds of activity are data: a site renames, hides (not offered) or adds them."""

    list_display = ["code", "name", "is_work", "active", "position"]
    list_editable = ["name", "is_work", "active", "position"]
