"""The fields the public search reads are stated once, in events/search.py; the admin and
the database's indexes follow them, so staff find what visitors find, and quickly."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db import connection

from events.search import SEARCHED_FIELDS


@pytest.mark.parametrize("model", list(SEARCHED_FIELDS))
def test_the_admin_searches_every_field_the_public_search_reads(model):
    missing = set(SEARCHED_FIELDS[model]) - set(admin.site._registry[model].search_fields)

    assert not missing, f"{model.__name__} admin's search_fields lack {sorted(missing)}"


def gram_columns(table):
    """{column: its tag} of the columns whose grams the table's search_grams column holds,
    or None without a GIN index on that column."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a"
            " ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
            " WHERE d.adrelid = %s::regclass AND a.attname = 'search_grams'",
            [table],
        )
        row = cursor.fetchone()
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE tablename = %s AND indexdef LIKE '%%USING gin (search_grams)%%'",
            [table],
        )
        if row is None or cursor.fetchone() is None:
            return None
    return {column: int(tag) for column, tag in re.findall(r"search_grams\(\(?(\w+)\b[^,]*, '(\d)'", row[0])}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="gram columns are PostgreSQL's")
@pytest.mark.parametrize("model", SEARCHED_FIELDS)
def test_every_field_the_public_search_reads_is_in_an_indexed_gram_column_at_its_place(model):
    own_fields = [path for path in SEARCHED_FIELDS[model] if "__" not in path]
    wrong = []
    for path in SEARCHED_FIELDS[model]:
        field = get_fields_from_path(model, path)[-1]
        place = own_fields.index(path) if path in own_fields else 0
        columns = gram_columns(field.model._meta.db_table) or {}
        if columns.get(field.column) != place:
            wrong.append(path)

    assert not wrong, f"{model.__name__}: not in search_grams at their place: {wrong}"


def trigram_indexed_columns(table):
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, table)
        columns = set()
        for name, index in indexes.items():
            if index["index"] and index["type"] == "gin" and len(index["columns"]) == 1:
                # The operator class is in the index's definition, not in what Django reports.
                cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [connection.ops.quote_name(name)])
                if "gin_trgm_ops" in cursor.fetchone()[0]:
                    columns.add(index["columns"][0])
    return columns


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
@pytest.mark.parametrize("model", SEARCHED_FIELDS)
def test_every_field_the_public_search_reads_has_a_trigram_index_for_the_admin_search(model):
    unindexed = []
    for path in SEARCHED_FIELDS[model]:
        field = get_fields_from_path(model, path)[-1]
        if field.column not in trigram_indexed_columns(field.model._meta.db_table):
            unindexed.append(path)

    assert not unindexed, f"{model.__name__}: no trigram index on {unindexed}"
