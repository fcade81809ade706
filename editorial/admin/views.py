"""Pages of the editorial workflow inside each content admin: history with values, one version,
a comparison of any two, revert, the recycle bin, review decisions and the preview of a
pending version on the real page."""

import copy

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from reversion.models import Version

from .. import diffs, registry, snapshots, workflow
from ..models import ChangeRequest, HistoryEntry


def item_url(item, name, *args):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[item.pk, *args])


def preview_url(item, change_request):
    if item is None or change_request is None or not change_request.is_pending_revision:
        return ""
    return item_url(item, "preview") if hasattr(item, "get_absolute_url") else ""


def pending_compare_url(item, change_request):
    if item is None or change_request is None or not change_request.is_pending_revision:
        return ""
    return f"{item_url(item, 'compare')}?a=live&b=pending"


class ItemView(View):
    """A page about one item of the model admin's model (or the item a child row belongs to)."""

    model_admin = None
    permission = "view"

    def dispatch(self, request, *args, object_id=None, **kwargs):
        admin = self.model_admin
        self.opts = admin.opts
        if object_id is not None:
            obj = admin.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404("这一内容不存在，可能已被删除。")
            self.obj = obj
            self.item = registry.item_of(obj)
            if not self.allowed(request):
                raise PermissionDenied
        elif not self.allowed(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, request):
        admin = self.model_admin
        obj = getattr(self, "obj", None)
        if self.permission == "view":
            return admin.has_view_or_change_permission(request, obj)
        if self.permission == "change":
            return admin.has_change_permission(request, obj)
        if self.permission == "delete":
            return admin.has_delete_permission(request, obj)
        return False

    def context(self, request, **extra):
        admin = self.model_admin
        item = getattr(self, "item", None)
        return {
            **admin.admin_site.each_context(request),
            "opts": self.opts,
            "item": item,
            "item_opts": item._meta if item is not None else self.opts,
            "original": getattr(self, "obj", None),
            "has_view_permission": True,
            **extra,
        }

    def render(self, request, template, **extra):
        return TemplateResponse(request, template, self.context(request, **extra))

    def entry(self, entry_id):
        return get_object_or_404(HistoryEntry.objects.for_item(self.item).select_related("user"), pk=entry_id)


class HistoryView(ItemView):
    """Every version of an item, newest first, each with what it changed."""

    def get(self, request):
        entries = HistoryEntry.objects.for_item(self.item).select_related("user")
        paginator = Paginator(entries, self.model_admin.history_per_page)
        number = request.GET.get("p")
        page = paginator.get_page(paginator.num_pages if number == "last" else number)
        rows = list(page.object_list)
        summaries = self.summaries(rows)
        request_ = workflow.open_request(self.item)
        return self.render(
            request,
            self.model_admin.object_history_template,
            title=f"“{self.item}”的历史",
            subtitle=None,
            page=page,
            entries=[
                (
                    entry,
                    summaries.get(entry.pk, ""),
                    item_url(self.item, "revision", entry.pk) if entry.revision_id else "",
                )
                for entry in rows
            ],
            change_request=request_,
            compare_url=item_url(self.item, "compare"),
            pending_compare_url=pending_compare_url(self.item, request_),
        )

    def revision_url(self, entry):
        return item_url(self.item, "revision", entry.pk) if entry.revision_id else ""

    def summaries(self, entries):
        """What each entry's revision changed against the one before it: read in one query per
        page whatever the length of the history."""
        with_revision = [entry for entry in entries if entry.revision_id]
        if not with_revision:
            return {}
        order = []
        for entry in with_revision:
            if not order or order[-1] != entry.revision_id:
                order.append(entry.revision_id)
        oldest = with_revision[-1]
        before = (
            HistoryEntry.objects.for_item(self.item)
            .filter(pk__lt=oldest.pk, revision__isnull=False)
            .exclude(revision_id=oldest.revision_id)
            .values_list("revision_id", flat=True)
            .first()
        )
        if before:
            order.append(before)
        versions = {}
        for version in Version.objects.filter(revision_id__in=order):
            versions.setdefault(version.revision_id, []).append(version)
        rows = {
            revision_id: snapshots.rows_of_versions(versions.get(revision_id, [])) for revision_id in order
        }
        previous = dict(zip(order, [*order[1:], None], strict=True))
        summaries, shown = {}, set()
        for entry in with_revision:
            if entry.revision_id in shown:
                continue
            shown.add(entry.revision_id)
            older = previous[entry.revision_id]
            if older is None:
                summaries[entry.pk] = "（最早的版本）"
                continue
            compared = diffs.compare(
                rows[older], rows[entry.revision_id], item_model=type(self.item), render=False
            )
            summaries[entry.pk] = diffs.changed_field_labels(compared) or "内容未变"
        return summaries


class RevisionView(ItemView):
    """All values of one version, with revert."""

    def get(self, request, entry_id):
        entry = self.entry(entry_id)
        if entry.revision_id is None:
            raise Http404("这条记录没有保存内容。")
        rows = snapshots.rows(entry.revision)
        return self.render(
            request,
            "editorial/admin/revision.html",
            title=f"“{self.item}”第 {entry.version} 版",
            entry=entry,
            rows=diffs.compare({}, rows, item_model=type(self.item), show_unchanged=True),
            revert_url=item_url(self.item, "revert", entry.pk),
            compare_url=f"{item_url(self.item, 'compare')}?a={entry.pk}&b=live",
            can_change=self.model_admin.has_change_permission(request, self.obj),
        )


class CompareView(ItemView):
    """Any two versions side by side: ?a=…&b=… each an entry id, `live` or `pending`."""

    def get(self, request):
        old_label, old_rows = self.side(request.GET.get("a", "live"))
        new_label, new_rows = self.side(request.GET.get("b", "pending"))
        compared = diffs.compare(old_rows, new_rows, item_model=type(self.item))
        versions = (
            HistoryEntry.objects.for_item(self.item)
            .filter(revision__isnull=False)
            .select_related("user")
            .order_by("-id")[:200]
        )
        return self.render(
            request,
            "editorial/admin/compare.html",
            title=f"比较“{self.item}”的两个版本",
            old_label=old_label,
            new_label=new_label,
            rows=compared,
            choices=self.choices(versions),
            a=request.GET.get("a", "live"),
            b=request.GET.get("b", "pending"),
        )

    def side(self, key):
        if key == "live":
            return "网站上的当前版本", snapshots.live_rows(self.item)
        if key == "pending":
            pending = workflow.pending_revision(self.item)
            if pending is None:
                return "待发布的版本（没有）", snapshots.live_rows(self.item)
            return "待发布的版本", snapshots.rows(pending)
        if not key.isdigit():
            raise Http404
        entry = self.entry(int(key))
        if entry.revision_id is None:
            raise Http404
        who = entry.user.get_username() if entry.user else "系统"
        when = timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")
        return f"第 {entry.version} 版（{who}，{when}）", snapshots.rows(entry.revision)

    def choices(self, entries):
        seen, found = set(), [("live", "网站上的当前版本"), ("pending", "待发布的版本")]
        for entry in entries:
            if entry.revision_id in seen:
                continue
            seen.add(entry.revision_id)
            when = timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")
            found.append((str(entry.pk), f"第 {entry.version} 版 · {entry.get_action_display()} · {when}"))
        return found


class RevertView(ItemView):
    """Confirm, then bring back a version's content as a new version."""

    permission = "change"

    def get(self, request, entry_id):
        entry = self.entry(entry_id)
        compared = diffs.compare(
            snapshots.live_rows(self.item), snapshots.rows(entry.revision), item_model=type(self.item)
        )
        return self.render(
            request,
            "editorial/admin/revert.html",
            title=f"恢复“{self.item}”到第 {entry.version} 版",
            entry=entry,
            rows=compared,
            needs_review=registry.needs_review(self.item),
            can_publish=registry.can_publish(request.user, type(self.item)),
            cancel_url=item_url(self.item, "history"),
        )

    def post(self, request, entry_id):
        entry = self.entry(entry_id)
        publish_too = "_publish" in request.POST
        try:
            workflow.revert(self.item, entry, user=request.user, publish_too=publish_too)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            if publish_too:
                messages.success(request, f"已恢复到第 {entry.version} 版并发布。")
            elif registry.needs_review(self.item):
                messages.success(request, f"第 {entry.version} 版的内容已作为待发布的修改保存，发布后公开。")
            else:
                messages.success(request, f"已恢复到第 {entry.version} 版（保存为新的版本）。")
        return HttpResponseRedirect(item_url(self.item, "change"))


class RecycleBinView(ItemView):
    """Deleted items of this model, each with what it held and a restore button."""

    def get(self, request):
        page = Paginator(workflow.recycle_bin(self.opts.model), 50).get_page(request.GET.get("p"))
        return self.render(
            request,
            "editorial/admin/recycle_bin.html",
            title=f"回收站：已删除的{self.opts.verbose_name_plural}",
            page=page,
            can_restore=self.model_admin.has_delete_permission(request),
            restore_url_name=f"admin:{self.opts.app_label}_{self.opts.model_name}_restore",
        )


class RestoreView(ItemView):
    permission = "delete"

    def post(self, request, entry_id):
        entry = get_object_or_404(workflow.recycle_bin(self.opts.model), pk=entry_id)
        try:
            item = workflow.restore(entry, user=request.user)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_recycle_bin")
            )
        state = "，恢复为草稿，发布后才公开" if getattr(item, "mark_draft", None) else ""
        messages.success(request, f"已从回收站恢复“{item}”{state}。")
        return HttpResponseRedirect(item_url(item, "change"))


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("submit", "提交审核"), ("approve", "批准"), ("reject", "退回"), ("discard", "放弃修改")]
    )
    comment = forms.CharField(required=False, max_length=1000)
    go_live_at = forms.DateTimeField(required=False, label="定时发布时间")


class ReviewView(ItemView):
    """A decision on the item's change: submit, approve (now or at a time), reject, discard."""

    permission = "change"

    def post(self, request):
        form = ReviewForm(request.POST)
        back = self.back(request)
        if not form.is_valid():
            messages.error(
                request, "无法处理：" + "；".join(e for errors in form.errors.values() for e in errors)
            )
            return HttpResponseRedirect(back)
        action = form.cleaned_data["action"]
        comment = form.cleaned_data["comment"].strip()
        link = request.build_absolute_uri(item_url(self.item, "change"))
        change_request = workflow.open_request(self.item)
        try:
            if action == "submit":
                workflow.submit(self.item, user=request.user, comment=comment, link=link)
                messages.success(request, f"已提交审核：“{self.item}”。")
            elif change_request is None:
                raise workflow.WorkflowError("这一内容没有待处理的修改。")
            elif action == "approve":
                at = form.cleaned_data["go_live_at"]
                workflow.approve(change_request, user=request.user, comment=comment, go_live_at=at, link=link)
                messages.success(request, self.approved_message(at))
            elif action == "reject":
                workflow.reject(change_request, user=request.user, comment=comment, link=link)
                messages.success(request, f"已退回“{self.item}”的修改，作者会收到通知。")
            else:
                workflow.discard(change_request, user=request.user, comment=comment)
                messages.success(request, f"已放弃“{self.item}”待发布的修改，网站上的内容不变。")
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(back)

    def approved_message(self, at):
        if at is not None and at > timezone.now():
            return f"已批准“{self.item}”的修改，将在 {timezone.localtime(at):%Y-%m-%d %H:%M} 发布。"
        return f"已批准并发布“{self.item}”，网站上现在是这一版本。"

    def back(self, request):
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            return target
        return item_url(self.item, "change")


class PreviewView(ItemView):
    """The item's page on the site as it will look once its pending change is published."""

    def get(self, request):
        from .base import rolled_back

        pending = workflow.pending_revision(self.item)
        if pending is None or not hasattr(self.item, "get_absolute_url"):
            return HttpResponseRedirect(item_url(self.item, "change"))
        response = None
        with rolled_back():
            snapshots.apply(pending)
            url = type(self.item)._default_manager.get(pk=self.item.pk).get_absolute_url()
            try:
                match = resolve(url)
            except Resolver404:
                raise Http404 from None
            page_request = copy.copy(request)
            page_request.path = page_request.path_info = url
            page_request.resolver_match = match
            page_request.editorial_preview = True
            response = match.func(page_request, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response


def queue(request, *, limit=10):
    """Changes waiting for this user's decision, newest first (for the admin home)."""
    waiting = ChangeRequest.objects.awaiting_review().select_related(
        "content_type", "submitted_by", "revision"
    )
    allowed = [
        request_ for request_ in waiting[: limit * 5] if registry.can_publish(request.user, request_.model)
    ][:limit]
    return allowed, waiting.count()


def reviewed_for(user, *, limit=10):
    """This user's recent changes and what became of them (for an editor's admin home)."""
    return list(
        ChangeRequest.objects.filter(author=user)
        .select_related("content_type", "reviewed_by")
        .order_by("-updated_at")[:limit]
    )
