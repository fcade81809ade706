"""Full-text-ish search: one function per kind of content, so a later index changes one place.

Each function narrows a queryset to rows containing every word of the query (words are
separated by spaces). icontains finds Chinese substrings such as 工匠精神 anywhere in a text.
"""

import re

from django.db.models import Exists, OuterRef, Q

from .models import AwardRecipient

MAX_QUERY_LENGTH = 100

EVENT_FIELDS = ("title", "short_title", "summary", "body")
MILESTONE_FIELDS = ("title", "description", "venue")
AWARD_FIELDS = ("name", "ceremony", "conferring_body", "recipients_description", "description")
BASE_FIELDS = ("name", "host_organization", "description")


def terms(text):
    """The words of a query: split on any whitespace (full-width spaces included)."""
    return [word for word in re.split(r"\s+", text or "") if word]


def _every_term_in_any_field(text, fields, extra=None):
    condition = Q()
    for word in terms(text):
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        if extra is not None:
            any_field |= extra(word)
        condition &= any_field
    return condition


def search_events(queryset, text):
    return queryset.filter(_every_term_in_any_field(text, EVENT_FIELDS))


def search_milestones(queryset, text):
    return queryset.filter(_every_term_in_any_field(text, MILESTONE_FIELDS))


def _recipient_named(word):
    return Exists(AwardRecipient.objects.filter(award=OuterRef("pk"), name__icontains=word))


def search_awards(queryset, text):
    return queryset.filter(_every_term_in_any_field(text, AWARD_FIELDS, extra=_recipient_named))


def search_bases(queryset, text):
    return queryset.filter(_every_term_in_any_field(text, BASE_FIELDS))
