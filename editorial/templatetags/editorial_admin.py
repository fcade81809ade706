"""The admin home: what each person should act on next.

Publishers see the review queue (待审核) with each change's differences from the live
version and approve or send it back there; editors see what became of their changes.
"""

from django import template
from django.urls import reverse
from reversion.models import Version

from .. import diffs, registry, snapshots
from ..admin.views import item_url, queue, reviewed_for
from ..models import ChangeRequest

register = template.Library()


@register.inclusion_tag("editorial/admin/review_queue.html", takes_context=True)
def review_queue(context, limit=10):
    """The newest changes awaiting review, each against the live version, read in a fixed number
    of queries however many wait: items, their children and versions are fetched in bulk."""
    request = context["request"]
    waiting, total = queue(request, limit=limit)
    items = {}
    for model in {change.model for change in waiting}:
        ids = [change.object_id for change in waiting if change.model is model]
        items.update({(model, pk): item for pk, item in registry.load(model, ids).items()})
    versions = {}
    for version in Version.objects.filter(revision_id__in=[change.revision_id for change in waiting]):
        versions.setdefault(version.revision_id, []).append(version)
    pairs = []
    for change in waiting:
        item = items.get((change.model, change.object_id))
        if item is None:
            continue
        old_rows = snapshots.rows_of_versions(snapshots.capture(item)) if change.is_pending_revision else {}
        pairs.append(
            (change, item, old_rows, snapshots.rows_of_versions(versions.get(change.revision_id, [])))
        )
    labels = diffs.Labels([rows for pair in pairs for rows in pair[2:]])
    entries = [
        {
            "change": change,
            "item": item,
            "kind": type(item)._meta.verbose_name,
            "is_new": not change.is_pending_revision,
            "rows": diffs.compare(old_rows, new_rows, item_model=type(item), labels=labels),
            "change_url": item_url(item, "change"),
            "review_url": item_url(item, "review"),
        }
        for change, item, old_rows, new_rows in pairs
    ]
    return {
        "entries": entries,
        "total": total,
        "all_url": reverse("admin:editorial_changerequest_changelist") + "?state__exact=submitted",
        "request": request,
        "can_review": any(registry.can_publish(request.user, model) for model in registry.item_models()),
    }


@register.inclusion_tag("editorial/admin/my_changes.html", takes_context=True)
def my_changes(context, limit=10):
    request = context["request"]
    return {"changes": reviewed_for(request.user, limit=limit), "request": request}


@register.simple_tag(takes_context=True)
def publication_summary(context):
    """One row per publishable kind of item the user may view: how many are draft, scheduled,
    public or have changes waiting, each count linking to the filtered list."""
    user = context["request"].user
    rows = []
    for model in registry.item_models():
        opts = model._meta
        if not hasattr(model, "mark_published") or not user.has_perm(
            f"{opts.app_label}.view_{opts.model_name}"
        ):
            continue
        rows.append(
            {
                "name": opts.verbose_name_plural,
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                "draft": model.objects.drafts().count(),
                "scheduled": model.objects.scheduled().count(),
                "public": model.objects.published().count(),
                "pending": ChangeRequest.objects.open()
                .filter(content_type__app_label=opts.app_label, content_type__model=opts.model_name)
                .count(),
            }
        )
    return rows
