"""The admin's spine: every content admin is a VersionedAdmin; publishable content a PublishableAdmin.

A save in the admin is one step of the editorial workflow:

- an item never published is saved in place, and the save is a new revision;
- a published item (or a row edited with it: a milestone of a published event) is saved in a
  transaction that is rolled back: the admin validates and saves as usual, the result is
  kept as the item's pending revision, and the public keeps the live rows until a publisher
  publishes it. Opening the form again shows the pending version, rendered the same way;
- a publisher may instead save and publish in one step (保存并发布);
- a form loaded before someone else's save is refused with what changed meanwhile, and with
  everything its user typed still in it (optimistic concurrency on the revision number).
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .. import diffs, registry, snapshots, workflow
from ..models import HistoryEntry
from ..signals import item_published
from . import views

TOKEN_FIELD = "_editorial_revision"
COMMENT_FIELD = "_editorial_comment"


class _Discard(Exception):
    """Raised to roll back a transaction whose writes were only needed to see their result."""


@contextmanager
def rolled_back():
    """A transaction whose writes never last: read them, render them, then roll them back."""
    try:
        with transaction.atomic():
            yield
            raise _Discard
    except _Discard:
        pass


@dataclass
class EditContext:
    """What one admin request has done so far, for the workflow to act on afterwards."""

    quiet: bool = False
    saved: object = None
    deleted: list = field(default_factory=list)
    conflict: list | None = None
    conflict_entry: object = None
    token: int | None = None


def editing(request):
    context = getattr(request, "_editorial", None)
    if context is None:
        context = request._editorial = EditContext()
    return context


def succeeded(response):
    return response.status_code in (301, 302, 303)


class VersionedAdmin(admin.ModelAdmin):
    """Revisions of every save, with history, comparison, revert and a recycle bin.

    A child model's admin (a milestone's) edits rows of its item (the event): the item's
    revision and review cover them.
    """

    change_form_template = "editorial/admin/change_form.html"
    object_history_template = "editorial/admin/history.html"
    change_list_template = "editorial/admin/change_list.html"
    history_per_page = 50

    # Helpers

    def item_of(self, obj):
        return registry.item_of(obj) if obj is not None else None

    def item_for_request(self, request, object_id):
        """The item a form works on: the object's own item, or, for a new child row, the parent
        chosen in the form (or the add link)."""
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            return self.item_of(obj)
        parent = registry.parent_field(self.model)
        if parent is None:
            return None
        value = request.POST.get(parent) or request.GET.get(parent)
        related = self.model._meta.get_field(parent).related_model
        value = str(value or "")
        # Digits as a database key takes them: "²" is a digit to Python, not to int().
        if not (value.isascii() and value.isdecimal() and int(value) < 2**63):
            return None
        return related._default_manager.filter(pk=value).first()

    def can_publish(self, request, item):
        return item is not None and registry.can_publish(request.user, type(item))

    def is_publishable(self, item_or_model):
        return item_or_model is not None and hasattr(item_or_model, "mark_published")

    # Saving

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        editing(request).saved = obj

    def delete_model(self, request, obj):
        context = editing(request)
        item = self.item_of(obj)
        if item is obj:
            snapshots.ensure_baseline(item)
            workflow.deleted(item, user=request.user)
        context.deleted.append(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            item = self.item_of(obj)
            if item is obj:
                snapshots.ensure_baseline(item)
                workflow.deleted(item, user=request.user)
        super().delete_queryset(request, queryset)

    def message_user(self, request, message, *args, **kwargs):
        if editing(request).quiet:
            return
        super().message_user(request, message, *args, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        def view():
            return super(VersionedAdmin, self).changeform_view(request, object_id, form_url, extra_context)

        item = self.item_for_request(request, object_id)
        if request.method != "POST":
            pending = workflow.pending_revision(item) if item is not None else None
            if pending is None:
                return view()
            return self.render_over(pending, view)
        return self.save_through_workflow(request, item, view, adding=object_id is None)

    def delete_view(self, request, object_id, extra_context=None):
        def view():
            return super(VersionedAdmin, self).delete_view(request, object_id, extra_context)

        item = self.item_for_request(request, object_id)
        if request.method != "POST" or item is None or self.model is type(item):
            return view()
        # Removing a row of an item is a change to the item: a revision of it, and for a
        # published item a pending change reviewed like any other.
        return self.save_through_workflow(request, item, view, adding=False)

    def render_over(self, revision, view):
        """The view's response as it would be with `revision` written to the rows."""
        response = None
        with rolled_back():
            snapshots.apply(revision)
            response = view()
            if hasattr(response, "render"):
                response.render()
        return response

    def save_through_workflow(self, request, item, view, *, adding):
        context = editing(request)
        publish = "_publish" in request.POST
        submit = "_submit" in request.POST
        comment = request.POST.get(COMMENT_FIELD, "").strip()[:1000]
        if publish and item is not None and not self.can_publish(request, item):
            raise PermissionDenied
        with transaction.atomic():
            if item is not None:
                item = workflow.lock(item)
                self.check_token(request, item)
            if item is not None and registry.needs_review(item) and not publish:
                return self.save_as_pending(request, item, view, submit=submit, comment=comment)
            if item is not None:
                # Content loaded from fixtures or imported has no revision yet: keep it as it
                # is before this save changes it.
                snapshots.ensure_baseline(item)
            before = workflow.addresses(item) if item is not None else {}
            pending = workflow.open_request(item) if item is not None else None
            response = None
            with transaction.atomic():
                if publish and pending is not None and pending.is_pending_revision:
                    snapshots.apply(pending.revision)
                context.quiet = True
                response = view()
                if not succeeded(response):
                    if hasattr(response, "render"):
                        response.render()
                    transaction.set_rollback(True)
                    return response
            context.quiet = False
            if context.saved is not None:
                item = self.item_of(context.saved)
            if item is None:
                return response
            saved = context.saved
            item = type(item)._default_manager.get(pk=item.pk)
            if publish:
                if pending is not None and pending.is_pending_revision:
                    pending.is_pending_revision = False
                    pending.save(update_fields=["is_pending_revision", "updated_at"])
                item = workflow.publish(item, user=request.user, comment=comment, previous_addresses=before)
                self.message_published(request, item)
                self.message_moved(request, before)
            else:
                workflow.record_saved(
                    item, user=request.user, created=adding and saved is item, comment=comment
                )
                if not self.is_publishable(item):
                    # Reference data is public as soon as it is saved.
                    item_published.send(sender=type(item), item=item, previous_addresses=before)
                    self.message_moved(request, before)
                if submit:
                    self.submit(request, item, comment)
                else:
                    self.message_saved(request, item)
        return response

    def save_as_pending(self, request, item, view, *, submit, comment):
        """Save over a published item without touching what the public sees."""
        context = editing(request)
        captured = None
        response = None
        context.quiet = True
        with rolled_back():
            pending = workflow.pending_revision(item)
            if pending is not None:
                snapshots.apply(pending)
            response = view()
            if succeeded(response):
                captured = snapshots.capture(type(item)._default_manager.get(pk=item.pk))
            elif hasattr(response, "render"):
                response.render()
        context.quiet = False
        if captured is None:
            return response
        try:
            workflow.save_pending(item, captured, user=request.user, comment=comment)
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self.item_change_url(item))
        if submit:
            self.submit(request, item, comment)
        else:
            self.message_user(
                request,
                format_html(
                    "修改已保存为“{}”的待发布版本，网站上仍是已发布的内容。{}",
                    item,
                    "请提交审核，由发布者发布。"
                    if not self.can_publish(request, item)
                    else "可继续修改，或点“保存并发布”使其公开。",
                ),
                messages.SUCCESS,
            )
        if context.deleted or (context.saved is not None and type(context.saved) is not type(item)):
            # The row's change exists only in the pending version: continue on its item's page.
            return HttpResponseRedirect(self.item_change_url(item))
        return response

    def submit(self, request, item, comment):
        try:
            workflow.submit(item, user=request.user, comment=comment, link=self.absolute(request, item))
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.WARNING)
        else:
            self.message_user(
                request, f"已提交审核：“{item}”。发布者审核后会公开，结果会通知您。", messages.SUCCESS
            )

    def message_saved(self, request, item):
        if self.is_publishable(item) and not item.is_published:
            hint = "草稿已保存。" + (
                "可“保存并发布”，或在列表中发布。"
                if self.can_publish(request, item)
                else "完成后请提交审核。"
            )
            if item.published_at > timezone.now():
                when = timezone.localtime(item.published_at).strftime("%Y-%m-%d %H:%M")
                hint += f"发布时间定在 {when}：发布后到那时才公开。"
            self.message_user(request, f"“{item}”的{hint}", messages.SUCCESS)
        else:
            self.message_user(request, f"已保存“{item}”。", messages.SUCCESS)

    def message_published(self, request, item):
        if getattr(item, "is_scheduled", False):
            when = timezone.localtime(item.published_at).strftime("%Y-%m-%d %H:%M")
            self.message_user(
                request, f"“{item}”已安排在 {when} 公开，届时自动出现在网站上。", messages.SUCCESS
            )
        else:
            self.message_user(request, f"已发布“{item}”，网站上现在是这一版本。", messages.SUCCESS)

    def message_moved(self, request, previous_addresses):
        """Say which public pages changed address; their old addresses redirect to the new."""
        for (model, pk), old_path in previous_addresses.items():
            row = model._default_manager.filter(pk=pk).first()
            if row is not None and row.get_absolute_url() != old_path:
                new_path = row.get_absolute_url()
                text = f"网址已从 {old_path} 改为 {new_path}，旧网址会自动跳转到新网址。"
                self.message_user(request, text, messages.INFO)

    def absolute(self, request, item):
        return request.build_absolute_uri(self.item_change_url(item))

    def item_change_url(self, item):
        opts = item._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])

    # Concurrency

    def check_token(self, request, item):
        """Refuse a form loaded before the item's latest revision, showing what changed since."""
        posted = request.POST.get(TOKEN_FIELD)
        if posted is None or not posted.isdigit():
            return
        current = snapshots.latest_revision_id(item)
        context = editing(request)
        context.token = current
        if int(posted) == current:
            return
        newer = HistoryEntry.objects.for_item(item).filter(revision_id=current).select_related("user").first()
        # A form loaded before the item had any revision was loaded from its first version.
        loaded = int(posted) or snapshots.first_revision_id(item)
        older_rows = snapshots.rows_of_revision_id(loaded)
        context.conflict = diffs.compare(
            older_rows, snapshots.rows_of_revision_id(current), item_model=type(item)
        )
        context.conflict_entry = newer

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = self.keeps_rows_with_their_item(super().get_form(request, obj, change, **kwargs), obj)
        context = getattr(request, "_editorial", None)
        if context is None or context.conflict is None:
            return form
        entry = context.conflict_entry
        who = entry.user.get_username() if entry and entry.user else "其他人"
        when = timezone.localtime(entry.created_at).strftime("%H:%M") if entry else ""
        changed = diffs.changed_field_labels(context.conflict) or "内容"
        message = (
            f"您打开这一页之后，{who} 于 {when} 保存了新的版本（改动：{changed}）。"
            "您填写的内容仍在下方，未保存；请对照页首列出的变化核对后再次保存。"
        )

        class ConflictRefused(form):
            def clean(self):
                super().clean()
                raise ValidationError(message, code="edit_conflict")

        return ConflictRefused

    def keeps_rows_with_their_item(self, form, obj):
        """A row (a milestone) moved to another item (event) would change two items in one save,
        and the workflow reviews one: moved from a draft to a published event it went public
        with no publisher. A move that involves a published item is refused."""
        parent = registry.parent_field(self.model)
        if obj is None or obj.pk is None or parent is None:
            return form
        current = getattr(obj, parent)

        class RowStaysWithItsItem(form):
            def clean(self):
                cleaned_data = super().clean()
                chosen = cleaned_data.get(parent)
                moved = chosen is not None and current is not None and chosen.pk != current.pk
                published = [item for item in (current, chosen) if moved and registry.needs_review(item)]
                if published:
                    self.add_error(
                        parent,
                        f"已发布过的“{published[0]}”不能这样增减内容："
                        f"请在“{chosen}”下新增这一条，再在这里删除它，各自经发布者发布后生效。",
                    )
                return cleaned_data

        return RowStaysWithItsItem

    # The form's context

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        item = self.item_of(obj) if obj is not None else None
        if item is None and add:
            item = self.item_for_request(request, None)
        context["editorial"] = self.editorial_context(request, item, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def editorial_context(self, request, item, obj):
        edit = getattr(request, "_editorial", None)
        if edit is not None and edit.token is not None and edit.conflict is not None:
            token = edit.token
        elif request.method == "POST" and request.POST.get(TOKEN_FIELD, "").isdigit():
            token = int(request.POST[TOKEN_FIELD])
        else:
            token = snapshots.latest_revision_id(item) if item is not None and item.pk else 0
        request_ = workflow.open_request(item) if item is not None and item.pk else None
        return {
            "item": item,
            "is_child": item is not None and obj is not None and item is not obj,
            "token_field": TOKEN_FIELD,
            "comment_field": COMMENT_FIELD,
            "token": token,
            "publishable": self.is_publishable(item)
            or (item is None and hasattr(self.model, "mark_published")),
            "can_publish": registry.can_publish(request.user, type(item) if item is not None else self.model),
            "needs_review": item is not None and registry.needs_review(item),
            "change_request": request_,
            "conflict": edit.conflict if edit is not None else None,
            "conflict_entry": edit.conflict_entry if edit is not None else None,
            "history_url": views.item_url(item, "history") if item is not None and item.pk else "",
            "review_url": views.item_url(item, "review") if item is not None and item.pk else "",
            "preview_url": views.preview_url(item, request_),
            "compare_url": views.pending_compare_url(item, request_),
        }

    # Pages of their own

    def get_urls(self):
        pages = [
            ("recycle-bin/", views.RecycleBinView, "recycle_bin"),
            ("recycle-bin/<int:entry_id>/restore/", views.RestoreView, "restore"),
            ("<path:object_id>/history/compare/", views.CompareView, "compare"),
            ("<path:object_id>/history/<int:entry_id>/", views.RevisionView, "revision"),
            ("<path:object_id>/history/<int:entry_id>/revert/", views.RevertView, "revert"),
            ("<path:object_id>/review/", views.ReviewView, "review"),
            ("<path:object_id>/preview/", views.PreviewView, "preview"),
        ]
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        routes = [
            path(route, self.admin_site.admin_view(view.as_view(model_admin=self)), name=f"{prefix}_{name}")
            for route, view, name in pages
        ]
        return routes + super().get_urls()

    def history_view(self, request, object_id, extra_context=None):
        return views.HistoryView.as_view(model_admin=self)(request, object_id=object_id)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if registry.get(self.model) and registry.parent_field(self.model) is None:
            extra_context["recycle_bin_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_recycle_bin"
            )
        return super().changelist_view(request, extra_context)
