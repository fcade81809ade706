"""Full-text-ish search: the fields searched for each kind of content, and how they are matched.

A search narrows a queryset to rows containing every word of the query (words are
separated by spaces) in any of the kind's fields. A substring match finds Chinese words
such as 工匠精神 anywhere in a text. On PostgreSQL the match goes through a GIN index of each
column's characters and pairs of characters (migration 0014), so a word of one or two
characters is found without reading every text; SQLite matches with LIKE.

The search page ranks what matches: an item whose title holds the words comes before one
whose summary does, before one with them only in its body.
"""

import re

from django.db.models import BooleanField, Case, Exists, F, Func, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from .models import Award, Event, Milestone, TrainingBase

MAX_QUERY_LENGTH = 100

# Up to this many matches, a search collects them through its indexes and sorts them.
SPARSE_MATCHES = 1000

# The fields the public search reads, per kind of content, from the most telling to the
# least (a match in an earlier field ranks higher); a field of related rows is a path
# (recipients__name). Each needs a gram index on PostgreSQL and belongs in its admin's
# search_fields, so staff find what visitors find: tests/test_search_fields.py checks both.
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


def grams(word):
    """What the gram index must hold for a text to contain the word: the word itself if it
    has one or two characters, otherwise each pair of adjacent characters (lower-cased, as
    the index is)."""
    word = word.lower()
    if len(word) <= 2:
        return [word]
    return sorted({word[i : i + 2] for i in range(len(word) - 1)})


class Contains(Func):
    """The column contains the word: LIKE on SQLite; on PostgreSQL the gram index finds the
    rows, and LIKE confirms a word of three or more characters (its pairs may be apart)."""

    output_field = BooleanField()

    def __init__(self, field, word):
        super().__init__(F(field))
        self.word = word

    def _like(self, compiler, connection):
        column = self.source_expressions[0]
        lookup = column.output_field.get_lookup(lookup_for(self.word))(column, self.word)
        return compiler.compile(lookup)

    def as_sql(self, compiler, connection, **extra_context):
        return self._like(compiler, connection)

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        sql = f"search_grams({column}) @> %s::text[]"
        params = (*params, grams(self.word))
        if len(self.word) > 2:
            like, like_params = self._like(compiler, connection)
            sql, params = f"({sql} AND {like})", (*params, *like_params)
        return sql, params


def _contains(model, field, word):
    """Rows whose field contains the word. A field of related rows is matched in a
    subquery, so a row with several matching related rows is found once."""
    relation, _, related_field = field.partition("__")
    if not related_field:
        return Q(Contains(field, word))
    related = model._meta.get_field(relation)
    return Exists(
        related.related_model.objects.filter(
            Contains(related_field, word), **{related.field.name: OuterRef("pk")}
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


def _leading_fields(model):
    """The fields that rank a match above the rest; a match in none of them (only in the last
    field or a related one) ranks last."""
    return [field for field in SEARCHED_FIELDS[model] if "__" not in field][:-1]


def relevance(model, text):
    """How well a matching row answers the query, lower is better: for each word, the place
    in SEARCHED_FIELDS of the first field holding it. Only matching rows are ranked, so
    plain LIKE on the short leading fields does it; the long last field is never read."""
    fields = _leading_fields(model)
    total = Value(0)
    for word in terms(text):
        total = total + Case(
            *(
                When(Q(**{f"{field}__{lookup_for(word)}": word}), then=Value(place))
                for place, field in enumerate(fields)
            ),
            default=Value(len(fields)),
            output_field=IntegerField(),
        )
    return total


def rank_matches(queryset, text, match_count, ordering, limit):
    """The first `limit` matches by relevance, ties in the list's usual order.

    Ranking all of thousands of matches would read every one of them. With many, the best
    `limit` are among the first `limit` in the usual order of the rows holding the words in
    each leading field, and of all matches: the database finds those few through its
    indexes, and only they are ranked. For a one-word query that is exact; for several words
    it is a close approximation.
    """
    ranked = queryset.annotate(relevance=relevance(queryset.model, text)).order_by("relevance", *ordering)
    if match_count <= SPARSE_MATCHES:
        return ranked[:limit]
    words = terms(text)
    candidates = Q(pk__in=queryset.order_by(*ordering).values("pk")[:limit])
    for field in _leading_fields(queryset.model):
        in_field = Q()
        for word in words:
            in_field &= _contains(queryset.model, field, word)
        candidates |= Q(pk__in=queryset.filter(in_field).order_by(*ordering).values("pk")[:limit])
    return ranked.filter(candidates)[:limit]


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
