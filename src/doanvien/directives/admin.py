"""The attachment limits (data: the largest file and how many a directive or reply carries),
edited by the administrator."""

from django.contrib import admin

from .models import AttachmentRules


@admin.register(AttachmentRules)
class AttachmentRulesAdmin(admin.ModelAdmin):
    list_display = ("max_bytes", "max_files")
