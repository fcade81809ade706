"""The workflow in Django admin: base classes for content admins, and the review queue and
history of all items."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .. import imports
from ..models import ChangeRequest, HistoryEntry, ImportRecord
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


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdmin):
    """Every import with what it did, each undone as a whole (撤销这次导入) while nothing changed since."""

    list_display = ["created_at", "user", "file_names", "counts_text", "undone_at"]
    list_filter = ["user"]
    list_select_related = ["user", "undone_by"]
    search_fields = ["file_names", "user__username"]
    date_hierarchy = "created_at"
    change_form_template = "editorial/admin/import_record.html"
    fields = ["created_at", "user", "file_names", "counts_text", "undone_at", "undone_by"]
    readonly_fields = fields

    @admin.display(description="新建、更新、未变")
    def counts_text(self, obj):
        counts = obj.counts or {}
        return (
            f"新建 {counts.get('created', 0)} 条，更新 {counts.get('updated', 0)} 条，"
            f"{counts.get('unchanged', 0)} 条未变"
        )

    def has_undo_permission(self, request):
        return request.user.has_perm("editorial.undo_import")

    def get_urls(self):
        undo = self.admin_site.admin_view(self.undo_view)
        return [path("<int:record_id>/undo/", undo, name="editorial_importrecord_undo"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if record is not None:
            extra_context["entries"] = imports.imported_entries(record).select_related("user")
            if record.undone_at is None and self.has_undo_permission(request):
                extra_context["undo_url"] = reverse("admin:editorial_importrecord_undo", args=[record.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def undo_view(self, request, record_id):
        if not self.has_undo_permission(request):
            raise PermissionDenied
        record = get_object_or_404(ImportRecord, pk=record_id)
        back = reverse("admin:editorial_importrecord_change", args=[record.pk])
        if request.method == "POST":
            try:
                imports.undo(record, user=request.user)
            except imports.UndoRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"已撤销导入 {record.file_names}：每项内容都回到了导入之前的版本。")
            return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"撤销这次导入：{record}",
            "record": record,
            "entries": imports.imported_entries(record),
            "changed": imports.changed_since(record),
            "cancel_url": back,
        }
        return TemplateResponse(request, "editorial/admin/undo_import.html", context)
