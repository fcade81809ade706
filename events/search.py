"""Full-text-ish search: one function per kind of content, so a later index changes one place.

Each function narrows a queryset to rows containing every word of the query (words are
separated by spaces). icontains finds Chinese substrings such as 工匠精神 anywhere in a text.
"""

import re

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from .models import AwardRecipient

MAX_QUERY_LENGTH = 100

# Up to this many matches, a search collects them through its indexes and sorts them.
SPARSE_MATCHES = 1000

EVENT_FIELDS = ("title", "short_title", "summary", "body")
MILESTONE_FIELDS = ("title", "description", "venue")
AWARD_FIELDS = ("name", "ceremony", "conferring_body", "recipients_description", "description")
BASE_FIELDS = ("name", "host_organization", "description")


def terms(text):
    """The words of a query: split on any whitespace (full-width spaces included)."""
    return [word for word in re.split(r"\s+", text or "") if word]


def lookup_for(word):
    """`contains` for words without letter case (Chinese, digits), `icontains` otherwise.

    Both match the same rows for a caseless word, but a plain LIKE reads text several times
    faster than comparing upper-cased copies, and PostgreSQL's trigram indexes serve it.
    """
    return "icontains" if word.lower() != word.upper() else "contains"


def _every_term_in_any_field(text, fields, extra=None):
    condition = Q()
    for word in terms(text):
        any_field = Q()
        lookup = lookup_for(word)
        for field in fields:
            any_field |= Q(**{f"{field}__{lookup}": word})
        if extra is not None:
            any_field |= extra(word)
        condition &= any_field
    return condition


def search_events(queryset, text):
    return queryset.filter(_every_term_in_any_field(text, EVENT_FIELDS))


def search_milestones(queryset, text):
    return queryset.filter(_every_term_in_any_field(text, MILESTONE_FIELDS))


def _recipient_named(word):
    return Exists(AwardRecipient.objects.filter(award=OuterRef("pk"), **{f"name__{lookup_for(word)}": word}))


def search_awards(queryset, text):
    return queryset.filter(_every_term_in_any_field(text, AWARD_FIELDS, extra=_recipient_named))


def search_bases(queryset, text):
    return queryset.filter(_every_term_in_any_field(text, BASE_FIELDS))


def capped_count(queryset, cap=SPARSE_MATCHES):
    """How many rows match, counting no further than cap + 1."""
    return queryset.order_by()[: cap + 1].count()


def order_matches(queryset, match_count, ordering):
    """Order search matches in the way that is quick for how many there are.

    With many matches, walking the list's order index finds a page of them at once. With
    few, the database (which cannot tell how rare a substring is) would still walk that
    index and read most of the table before finding them; ordering by expressions no index
    serves makes it collect the matches through the trigram indexes and sort those few.
    """
    if match_count > SPARSE_MATCHES:
        return queryset.order_by(*ordering)
    return queryset.order_by(*(_unindexed(term) for term in ordering))


def _unindexed(term):
    name = term.removeprefix("-")
    expression = Coalesce(F(name), F(name))
    return expression.desc() if term.startswith("-") else expression.asc()
