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

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from .models import Award, Event, Milestone, TrainingBase

MAX_QUERY_LENGTH = 100

# Up to this many matches, a search collects them through its indexes and sorts them (and
# the search page ranks them all); beyond, it walks the list's order index, where matches
# are dense enough to be met soon.
SPARSE_MATCHES = 5000

# The fields the public search reads, per kind of content, from the most telling to the
# least (a match in an earlier field ranks higher); a field of related rows is a path
# (recipients__name). On PostgreSQL each table's search_grams column holds the grams of its
# own fields tagged with their place here (migration 0014). Every field belongs in its
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


def gram_indexed():
    """Whether the database has the search_grams columns (migration 0014): PostgreSQL."""
    return connection.vendor == "postgresql"


def grams(word):
    """What a field's grams must hold for it to contain the word: the word itself if it has
    one or two characters, otherwise each pair of adjacent characters (lower-cased, as the
    grams are)."""
    word = word.lower()
    if len(word) <= 2:
        return [word]
    return sorted({word[i : i + 2] for i in range(len(word) - 1)})


class GramsMatch(Expression):
    """The row's search_grams column, which Django does not know, compared with tagged grams
    by an array operator: && (holds any of them) or @> (holds all of them)."""

    output_field = BooleanField()

    def __init__(self, operator, tagged_grams, alias=None):
        super().__init__()
        self.operator = operator
        self.tagged_grams = tagged_grams
        self.alias = alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(self.alias)
        return f"{alias}.search_grams {self.operator} %s::text[]", [self.tagged_grams]


def _like(field, word):
    return Q(**{f"{field}__{lookup_for(word)}": word})


def _in_field(fields, field, word):
    """Rows whose field (one of the model's own `fields`, in SEARCHED_FIELDS order) contains
    the word. On PostgreSQL the gram index finds them; LIKE, written first, confirms a long
    word, and lets a walk along another index pass over other rows without reading their
    grams."""
    if not gram_indexed():
        return _like(field, word)
    place = fields.index(field)
    return _like(field, word) & Q(GramsMatch("@>", [f"{place}{gram}" for gram in grams(word)]))


def _in_any_field(fields, word, through_grams=True):
    """Rows with the word in any of the model's own fields."""
    like = Q()
    for field in fields:
        like |= _like(field, word)
    if not (through_grams and gram_indexed()):
        return like
    word_grams = grams(word)
    if len(word) <= 2:
        return Q(GramsMatch("&&", [f"{place}{word_grams[0]}" for place in range(len(fields))]))
    condition = Q()
    for place in range(len(fields)):
        condition |= Q(GramsMatch("@>", [f"{place}{gram}" for gram in word_grams]))
    return condition & Q(_guessed_common(like))


def _guessed_common(condition):
    """The condition, which the planner guesses to hold for one row in two.

    It has no statistics for texts over 1 kB (bodies) and takes a LIKE on them to select
    one row in two hundred; with that guess, for a word in most rows, it would collect and
    sort them all rather than walk the list's order index and stop after a page.
    """
    return Coalesce(ExpressionWrapper(condition, output_field=BooleanField()), Value(False))


def _own_fields(model):
    return [field for field in SEARCHED_FIELDS[model] if "__" not in field]


def _word_condition(model, word, through_grams=True):
    """Rows holding the word in any searched field. A field of related rows is matched in a
    subquery, so a row with several matching related rows is found once."""
    condition = _in_any_field(_own_fields(model), word, through_grams)
    for path in SEARCHED_FIELDS[model]:
        relation, _, related_field = path.partition("__")
        if related_field:
            related = model._meta.get_field(relation)
            condition |= Exists(
                related.related_model.objects.filter(
                    _in_any_field([related_field], word, through_grams),
                    **{related.field.name: OuterRef("pk")},
                )
            )
    return condition


def _condition(model, text, through_grams=True):
    condition = Q()
    for word in terms(text):
        condition &= _word_condition(model, word, through_grams)
    return condition


def _matching(queryset, text):
    return queryset.filter(_condition(queryset.model, text))


def search_events(queryset, text):
    return _matching(queryset, text)


def search_milestones(queryset, text):
    return _matching(queryset, text)


def search_awards(queryset, text):
    return _matching(queryset, text)


def search_bases(queryset, text):
    return _matching(queryset, text)


def _ranking_fields(model):
    """The fields that rank a match above the rest; a match in none of them (only in the last
    field or a related one) ranks last."""
    return _own_fields(model)[:-1]


def relevance(model, text):
    """How well a matching row answers the query, lower is better: for each word, the place
    in SEARCHED_FIELDS of the first field holding it. Only matching rows are ranked, so
    plain LIKE on the short first fields does it; the long last field is never read."""
    fields = _ranking_fields(model)
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


def rank_matches(base, text, match_count, ordering, limit):
    """The first `limit` rows of `base` matching the query, by relevance, ties in the list's
    usual order.

    Ranking all of thousands of matches would read every one of them. With many, the best
    `limit` are among the first `limit` in the usual order of all matches, and of the rows
    holding the words in each ranking field: each of those few is found through its best
    index, once, and only they are read and ranked. For a one-word query that is exact; for
    several words it is a close approximation.
    """
    matching = _matching(base, text)
    ranked = matching.annotate(relevance=relevance(base.model, text)).order_by("relevance", *ordering)
    if match_count <= SPARSE_MATCHES:
        return ranked[:limit]
    fields = _own_fields(base.model)
    # Matches are many: walking the usual order meets the first of them soon, testing each
    # row with LIKE, which is cheaper than reading its grams.
    firsts = [base.filter(_guessed_common(_condition(base.model, text, through_grams=False)))]
    for field in _ranking_fields(base.model):
        in_field = Q()
        for word in terms(text):
            in_field &= _in_field(fields, field, word)
        firsts.append(base.filter(in_field))
    # Written as an OR of IN subqueries, the database tested every match against each.
    parts = [part.order_by(*ordering).values("pk")[:limit].query.sql_with_params() for part in firsts]
    sql = " UNION ".join(
        f"SELECT * FROM ({part_sql}) AS part{index}" for index, (part_sql, _) in enumerate(parts)
    )
    params = [param for _, part_params in parts for param in part_params]
    return ranked.filter(pk__in=RawSQL(sql, params))[:limit]


def capped_count(queryset):
    """How many rows match, counting no further than SPARSE_MATCHES + 1."""
    return queryset.order_by()[: SPARSE_MATCHES + 1].count()


def order_matches(queryset, match_count, ordering):
    """Order search matches in the way that is quick for how many there are.

    With many matches, walking the list's order index finds a page of them at once. With
    few, the database (which cannot tell how rare a substring is) would still walk that
    index and read most of the table before finding them; ordering by expressions no index
    serves makes it collect the matches through the gram index and sort those few.
    """
    if match_count > SPARSE_MATCHES:
        return queryset.order_by(*ordering)
    return queryset.order_by(*(_unindexed(term) for term in ordering))


def _unindexed(term):
    name = term.removeprefix("-")
    expression = Coalesce(F(name), F(name))
    return expression.desc() if term.startswith("-") else expression.asc()


# The search of each kind of content, for views that handle several kinds.
SEARCHES = {
    Event: search_events,
    Milestone: search_milestones,
    Award: search_awards,
    TrainingBase: search_bases,
}
