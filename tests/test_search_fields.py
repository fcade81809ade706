"""The fields the public search reads are stated once, in events/search.py; the admin and
the database's indexes follow them, so staff find what visitors find, and quickly."""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db import connection

from events.search import SEARCHED_FIELDS


@pytest.mark.parametrize("model", list(SEARCHED_FIELDS))
def test_the_admin_searches_every_field_the_public_search_reads(model):
    missing = set(SEARCHED_FIELDS[model]) - set(admin.site._registry[model].search_fields)

    assert not missing, f"{model.__name__} admin's search_fields lack {sorted(missing)}"


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
def test_every_field_the_public_search_reads_has_a_trigram_index(model):
    unindexed = []
    for path in SEARCHED_FIELDS[model]:
        field = get_fields_from_path(model, path)[-1]
        if field.column not in trigram_indexed_columns(field.model._meta.db_table):
            unindexed.append(path)

    assert not unindexed, f"{model.__name__}: no trigram index on {unindexed}"
