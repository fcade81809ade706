"""Full-text-ish search: the fields searched for each kind of content, and how they are matched.

A search narrows a queryset to rows containing every word of the query (words are
separated by spaces) in any of the kind's fields. A substring match finds Chinese words
such as 工匠精神 anywhere in a text.
"""

import re

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from .models import Award, Event, Milestone, TrainingBase

MAX_QUERY_LENGTH = 100

# Up to this many matches, a search collects them through its indexes and sorts them.
SPARSE_MATCHES = 1000

# The fields the public search reads, per kind of content; a field of related rows is a
# path (recipients__name). Each needs a trigram index on PostgreSQL and belongs in its
# admin's search_fields, so staff find what visitors find: tests/test_search_fields.py
# checks both.
SEARCHED_FIELDS = {
    Event: ("title", "short_title", "summary", "body"),
    Milestone: ("title", "description", "venue"),
    Award: (
        "name",
        "ceremony",
        "conferring_body",
        "recipients_description",
        "description",
        "recipients__name",
    ),
    TrainingBase: ("name", "host_organization", "description"),
}


def terms(text):
    """The words of a query: split on any whitespace (full-width spaces included)."""
    return [word for word in re.split(r"\s+", text or "") if word]


def lookup_for(word):
    """`contains` for words without letter case (Chinese, digits), `icontains` otherwise.

    Both match the same rows for a caseless word, but a plain LIKE reads text several times
    faster than comparing upper-cased copies, and PostgreSQL's trigram indexes serve it.
    """
    return "icontains" if word.lower() != word.upper() else "contains"


def _contains(model, field, word):
    """Rows whose field contains the word. A field of related rows is matched in a
    subquery, so a row with several matching related rows is found once."""
    relation, _, related_field = field.partition("__")
    if not related_field:
        return Q(**{f"{field}__{lookup_for(word)}": word})
    related = model._meta.get_field(relation)
    return Exists(
        related.related_model.objects.filter(
            **{related.field.name: OuterRef("pk"), f"{related_field}__{lookup_for(word)}": word}
        )
    )


def _matching(queryset, text):
    fields = SEARCHED_FIELDS[queryset.model]
    condition = Q()
    for word in terms(text):
        any_field = Q()
        for field in fields:
            any_field |= _contains(queryset.model, field, word)
        condition &= any_field
    return queryset.filter(condition)


def search_events(queryset, text):
    return _matching(queryset, text)


def search_milestones(queryset, text):
    return _matching(queryset, text)


def search_awards(queryset, text):
    return _matching(queryset, text)


def search_bases(queryset, text):
    return _matching(queryset, text)


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
