"""The admin index's overview: how much of each publishable kind is draft, scheduled, public."""

from django import template
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from events.models import Award, Event, PublicationStatus, TrainingBase

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_summary(context):
    """One row per publishable model the user may view, each count linking to its list."""
    user = context["request"].user
    now = timezone.now()
    published = Q(status=PublicationStatus.PUBLISHED)
    rows = []
    for model in (Event, Award, TrainingBase):
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        counts = model.objects.aggregate(
            draft=Count("pk", filter=Q(status=PublicationStatus.DRAFT)),
            scheduled=Count("pk", filter=published & Q(published_at__gt=now)),
            public=Count("pk", filter=published & Q(published_at__lte=now)),
        )
        rows.append(
            {
                "name": opts.verbose_name_plural,
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                "can_publish": user.has_perm(f"{opts.app_label}.publish_{opts.model_name}"),
                **counts,
            }
        )
    return rows
