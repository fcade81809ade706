"""The admin's own record of who added, changed, published or deleted what, and when.

Each object's "历史" page shows its own entries; this list shows them all, including
deletions, whose objects no longer have a page of their own. It is read-only.
"""

from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.utils.html import format_html


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    list_display = ["action_time", "user", "action_label", "content_type", "object_link", "change_summary"]
    list_filter = ["action_flag", "content_type", "user"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "change_message", "user__username"]
    date_hierarchy = "action_time"
    ordering = ["-action_time"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="动作", ordering="action_flag")
    def action_label(self, obj):
        return obj.get_action_flag_display()

    @admin.display(description="对象", ordering="object_repr")
    def object_link(self, obj):
        if obj.action_flag == DELETION or not obj.get_admin_url():
            return obj.object_repr
        return format_html('<a href="{}">{}</a>', obj.get_admin_url(), obj.object_repr)

    @admin.display(description="改动")
    def change_summary(self, obj):
        return obj.get_change_message()
