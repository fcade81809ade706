"""The workflow in Django admin: base classes for content admins, and the review queue and
history of all items."""

from django.contrib import admin
from django.utils.html import format_html

from ..models import ChangeRequest, HistoryEntry
from .base import VersionedAdmin

__all__ = ["VersionedAdmin"]


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    """Every proposed change and what became of it; the open ones are the review queue."""

    list_display = ["item_link", "content_type", "state", "author", "submitted_at", "reviewed_by", "compare"]
    list_filter = ["state", "content_type"]
    list_select_related = ["content_type", "author", "reviewed_by"]
    search_fields = ["object_repr", "submit_comment", "review_comment"]
    date_hierarchy = "submitted_at"

    @admin.display(description="内容", ordering="object_repr")
    def item_link(self, obj):
        url = obj.item_admin_url()
        return format_html('<a href="{}">{}</a>', url, obj.object_repr) if url else obj.object_repr

    @admin.display(description="比较")
    def compare(self, obj):
        if not obj.is_open or not obj.is_pending_revision:
            return ""
        url = obj.item_admin_url().removesuffix("change/") + "history/compare/?a=live&b=pending"
        return format_html('<a href="{}">与网站版本比较</a>', url)


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    """Every step of every item, deletions and imports included."""

    list_display = ["created_at", "user", "action", "content_type", "item_link", "version", "comment"]
    list_filter = ["action", "content_type", "user"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "comment", "user__username"]
    date_hierarchy = "created_at"

    @admin.display(description="内容", ordering="object_repr")
    def item_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.history_url(), obj.object_repr)
