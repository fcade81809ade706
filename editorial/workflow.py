"""The steps of the editorial workflow, the same from the admin, commands and tests.

States of an item (Publishable content):
  draft      never published, or withdrawn: edited in place, nobody outside sees it;
  published  public (or scheduled): its rows are what the public sees, and every change is
             kept as a pending revision in a ChangeRequest until a publisher publishes it.
A change request moves  修改中 → 待审核 → (已退回 → 修改中 →) 已批准定时 / 已发布, or 已放弃.
Every step is a HistoryEntry; every step that changes content stores a revision.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from reversion.errors import RevertError

from . import notifications, registry, snapshots
from .models import Action, ChangeRequest, ChangeRequestState, HistoryEntry
from .signals import item_published


class WorkflowError(Exception):
    """A step that cannot be taken now; the message says why, for the person who tried."""


def open_request(item):
    return ChangeRequest.objects.for_item(item).open().select_related("revision").first()


def pending_revision(item):
    """The revision waiting to replace a published item's live rows, if there is one."""
    request = open_request(item)
    return request.revision if request and request.is_pending_revision else None


def lock(item):
    """Hold the item's row until the transaction ends, so two steps on it never interleave."""
    return type(item)._default_manager.select_for_update().get(pk=item.pk)


def addresses(item):
    """{(model, pk): url} of the item's pages as the public sees them now (none if not public).
    Rows that are not published content (reference data) are public as soon as they exist."""
    if not getattr(item, "is_public", True):
        return {}
    return {
        (type(row), row.pk): row.get_absolute_url()
        for row in registry.rows_of(item)
        if hasattr(row, "get_absolute_url")
    }


def _check_publisher(user, item):
    if not registry.can_publish(user, type(item)):
        raise PermissionDenied


# Saving


def save_pending(item, versions, *, user, comment=""):
    """Keep `versions` (captured from a rolled-back save) as the item's pending change."""
    snapshots.ensure_baseline(item)
    request = open_request(item)
    if request is None:
        request = ChangeRequest(
            content_type=ContentType.objects.get_for_model(item),
            object_id=str(item.pk),
            author=user,
            is_pending_revision=True,
        )
    elif request.state == ChangeRequestState.SCHEDULED:
        raise WorkflowError("这项修改已批准定时发布，发布前不能再改动；如需改动，请发布者先取消定时。")
    snapshots.reserve_primary_keys(versions)
    entry = snapshots.store(item, versions, user=user, action=Action.DRAFTED, comment=comment)
    request.object_repr = str(item)[:300]
    request.revision = entry.revision
    request.is_pending_revision = True
    request.author = user
    request.state = ChangeRequestState.DRAFT
    request.save()
    entry.change_request = request
    entry.save(update_fields=["change_request"])
    return request


def record_saved(item, *, user, created=False, comment=""):
    """A save written straight to the rows (an item not yet published): its revision."""
    entry = snapshots.snapshot(
        item, user=user, action=Action.CREATED if created else Action.SAVED, comment=comment
    )
    request = open_request(item)
    if request is not None and not request.is_pending_revision:
        request.revision = entry.revision
        request.object_repr = str(item)[:300]
        if request.state == ChangeRequestState.REJECTED:
            request.state = ChangeRequestState.DRAFT
        request.save()
    return entry


# Review


def submit(item, *, user, comment="", link=""):
    """Ask a publisher to review the item's change (提交审核)."""
    with transaction.atomic():
        item = lock(item)
        request = open_request(item)
        if request is None:
            if registry.needs_review(item):
                raise WorkflowError("没有待发布的修改：先修改并保存，再提交审核。")
            snapshots.ensure_baseline(item)
            request = ChangeRequest(
                content_type=ContentType.objects.get_for_model(item),
                object_id=str(item.pk),
                author=user,
                revision_id=snapshots.latest_revision_id(item),
            )
        if request.state == ChangeRequestState.SUBMITTED:
            raise WorkflowError("这项修改已在审核中。")
        if request.state == ChangeRequestState.SCHEDULED:
            raise WorkflowError("这项修改已批准定时发布。")
        request.object_repr = str(item)[:300]
        request.state = ChangeRequestState.SUBMITTED
        request.submitted_by = user
        request.submitted_at = timezone.now()
        request.submit_comment = comment
        request.reviewed_by, request.reviewed_at, request.review_comment = None, None, ""
        request.save()
        snapshots.record(
            item,
            Action.SUBMITTED,
            user=user,
            comment=comment,
            revision=request.revision,
            change_request=request,
        )
        notifications.submitted(request, link)
    return request


def reject(request, *, user, comment="", link=""):
    """Send a change back to its author (退回) with the publisher's comment."""
    item = request.get_item()
    _check_publisher(user, item)
    with transaction.atomic():
        lock(item)
        request.refresh_from_db()
        if request.state != ChangeRequestState.SUBMITTED:
            raise WorkflowError("只能退回待审核的修改。")
        request.state = ChangeRequestState.REJECTED
        _reviewed(request, user, comment)
        snapshots.record(
            item,
            Action.REJECTED,
            user=user,
            comment=comment,
            revision=request.revision,
            change_request=request,
        )
        notifications.decided(request, link)
    return request


def approve(request, *, user, comment="", go_live_at=None, link=""):
    """Approve a change: publish it now, or at `go_live_at`."""
    item = request.get_item()
    _check_publisher(user, item)
    if go_live_at is None or go_live_at <= timezone.now():
        return publish(item, user=user, comment=comment, link=link)
    with transaction.atomic():
        item = lock(item)
        request.refresh_from_db()
        if not request.is_open:
            raise WorkflowError("这项修改已处理。")
        if not request.is_pending_revision:
            # Never published: the item's own publish time schedules it, with no job to run.
            return publish(item, user=user, comment=comment, at=go_live_at, link=link)
        request.state = ChangeRequestState.SCHEDULED
        request.go_live_at = go_live_at
        _reviewed(request, user, comment)
        snapshots.record(
            item,
            Action.SCHEDULED,
            user=user,
            comment=comment,
            revision=request.revision,
            change_request=request,
        )
        notifications.decided(request, link)
    return request


def _reviewed(request, user, comment):
    request.reviewed_by = user
    request.reviewed_at = timezone.now()
    request.review_comment = comment
    request.save()


# Publication


def publish(item, *, user, comment="", at=None, previous_addresses=None, link=""):
    """Make the item's current version public.

    A published item gets its pending revision written to the live rows. An item never
    published is released: now, or at `at`, or at the later time its author proposed.
    """
    if user is not None:
        _check_publisher(user, item)
    with transaction.atomic():
        item = lock(item)
        before = addresses(item) if previous_addresses is None else previous_addresses
        request = open_request(item)
        if request is not None and request.is_pending_revision:
            item = _apply_pending(item, request)
        if not item.is_published:
            item.mark_published(at or max(item.published_at, timezone.now()))
        elif at is not None:
            item.mark_published(at)
        item.save()
        _published(item, request, user=user, comment=comment, before=before, link=link)
    return item


def _apply_pending(item, request):
    try:
        snapshots.apply(request.revision)
    except (IntegrityError, RevertError) as error:
        raise WorkflowError(
            f"无法发布：待发布的修改与现有内容冲突（{error}）。请打开这一内容，修改后重新保存。"
        ) from None
    return lock(item)


def _published(item, request, *, user, comment, before, link=""):
    entry = snapshots.snapshot(
        item, user=user, action=Action.PUBLISHED, comment=comment, change_request=request
    )
    if request is not None:
        request.state = ChangeRequestState.PUBLISHED
        request.revision = entry.revision
        request.go_live_at = None
        _reviewed(request, user, comment or request.review_comment)
        notifications.decided(request, link)
    item_published.send(sender=type(item), item=item, previous_addresses=before)


def publish_now(item, *, user, comment=""):
    """立即发布: public now, whatever it was — a draft, a scheduled item, a pending change.
    Returns None when the item already was public with nothing pending."""
    _check_publisher(user, item)
    with transaction.atomic():
        item = lock(item)
        before = addresses(item)
        request = open_request(item)
        has_pending = request is not None and request.is_pending_revision
        if item.is_public and not has_pending:
            return None
        if has_pending:
            item = _apply_pending(item, request)
        if not item.is_public:
            item.mark_published(timezone.now())
        item.save()
        _published(item, request, user=user, comment=comment, before=before)
    return item


def withdraw(item, *, user, comment=""):
    """Take a published item off the site (撤回为草稿); its pending change, if any, stays."""
    _check_publisher(user, item)
    with transaction.atomic():
        item = lock(item)
        if not item.is_published:
            return None
        request = open_request(item)
        if request is not None and request.is_pending_revision:
            # The pending change becomes the draft itself: nothing public is left to protect.
            snapshots.apply(request.revision)
            item = lock(item)
            request.is_pending_revision = False
            request.save(update_fields=["is_pending_revision", "updated_at"])
        item.mark_draft()
        item.save()
        snapshots.snapshot(item, user=user, action=Action.WITHDRAWN, comment=comment, change_request=request)
    return item


def discard(request, *, user, comment=""):
    """Give up a pending change (放弃修改): the live version stays as it is."""
    item = request.get_item()
    with transaction.atomic():
        lock(item)
        request.refresh_from_db()
        if not request.is_open:
            raise WorkflowError("这项修改已处理。")
        if request.author_id != getattr(user, "pk", None):
            _check_publisher(user, item)
        request.state = ChangeRequestState.DISCARDED
        request.save()
        snapshots.record(item, Action.DISCARDED, user=user, comment=comment, change_request=request)
    return request


def publish_due(at=None):
    """Publish changes approved for a time that has come; returns how many.

    Each is checked again under the item's lock, so two servers doing this at once publish
    each change once.
    """
    at = at or timezone.now()
    count = 0
    for due in ChangeRequest.objects.due(at):
        item = due.get_item()
        if item is None:
            continue
        with transaction.atomic():
            item = lock(item)
            request = open_request(item)
            if request is None or request.state != ChangeRequestState.SCHEDULED or request.go_live_at > at:
                continue
            when = timezone.localtime(request.go_live_at).strftime("%Y-%m-%d %H:%M")
            before = addresses(item)
            item = _apply_pending(item, request)
            item.save()
            _published(item, request, user=None, comment=f"按计划于 {when} 发布", before=before)
        count += 1
    return count


# Versions


def revert(item, entry, *, user, publish_too=False, comment=""):
    """Bring back the content of an earlier version, as a new version.

    A published item gets it as a pending change (published at once when a publisher asks
    for it); an item never published is written back in place.
    """
    comment = comment or f"恢复到第 {entry.version} 版"
    versions = list(entry.revision.version_set.all())
    with transaction.atomic():
        item = lock(item)
        if not registry.needs_review(item):
            snapshots.ensure_baseline(item)
            snapshots.apply(entry.revision)
            return snapshots.snapshot(lock(item), user=user, action=Action.REVERTED, comment=comment)
        if publish_too:
            _check_publisher(user, item)
        request = save_pending(item, versions, user=user, comment=comment)
        if publish_too:
            publish(item, user=user, comment=comment)
        return request


def deleted(item, *, user):
    """Keep the item as it was before deletion (for the recycle bin), and close its change."""
    request = open_request(item)
    if request is not None:
        request.state = ChangeRequestState.DISCARDED
        request.save()
    return snapshots.snapshot(item, user=user, action=Action.DELETED, change_request=request)


def restore(entry, *, user):
    """Bring a deleted item back from the recycle bin as a draft: publishing it again is a
    publisher's decision."""
    model = entry.model
    with transaction.atomic():
        if model._default_manager.filter(pk=entry.object_id).exists():
            raise WorkflowError("这一内容已经恢复过了。")
        try:
            snapshots.apply(entry.revision)
        except (IntegrityError, RevertError) as error:
            raise WorkflowError(f"无法恢复：与现有内容冲突（{error}）。") from None
        item = model._default_manager.get(pk=entry.object_id)
        if getattr(item, "is_published", False):
            item.mark_draft()
            item.save()
        snapshots.snapshot(
            item, user=user, action=Action.RESTORED, comment=f"从回收站恢复（删除前为第 {entry.version} 版）"
        )
    return item


def recycle_bin(model):
    """Deleted items of `model`: their deletion entries, newest first, for those not restored."""
    content_type = ContentType.objects.get_for_model(model)
    later = HistoryEntry.objects.filter(
        content_type=content_type, object_id=OuterRef("object_id"), id__gt=OuterRef("id")
    )
    return (
        HistoryEntry.objects.filter(content_type=content_type, action=Action.DELETED)
        .exclude(Exists(later))
        .select_related("user")
        .order_by("-id")
    )
