"""The admin home: what each person should act on next.

Publishers see the review queue (待审核) with each change's differences from the live
version and approve or send it back there; editors see what became of their changes.
"""

from django import template
from django.urls import reverse

from .. import diffs, registry, snapshots
from ..admin.views import item_url, queue, reviewed_for
from ..models import ChangeRequest

register = template.Library()


@register.inclusion_tag("editorial/admin/review_queue.html", takes_context=True)
def review_queue(context, limit=10):
    request = context["request"]
    waiting, total = queue(request, limit=limit)
    entries = []
    for change in waiting:
        item = change.get_item()
        if item is None:
            continue
        old_rows = snapshots.live_rows(item) if change.is_pending_revision else {}
        new_rows = snapshots.rows(change.revision)
        entries.append(
            {
                "change": change,
                "item": item,
                "kind": type(item)._meta.verbose_name,
                "is_new": not change.is_pending_revision,
                "rows": diffs.compare(old_rows, new_rows, item_model=type(item)),
                "change_url": item_url(item, "change"),
                "review_url": item_url(item, "review"),
            }
        )
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
