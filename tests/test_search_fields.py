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


def gram_indexed_columns(table):
    """Columns with a GIN index on search_grams(column), the index search matches through."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        definitions = [row[0] for row in cursor.fetchall()]
    return {
        match.group(1)
        for definition in definitions
        if " USING gin " in definition
        for match in [re.search(r"search_grams\(\(?(\w+)\)?(?:::text)?\)", definition)]
        if match
    }


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="gram indexes are PostgreSQL's")
@pytest.mark.parametrize("model", SEARCHED_FIELDS)
def test_every_field_the_public_search_reads_has_a_gram_index(model):
    unindexed = []
    for path in SEARCHED_FIELDS[model]:
        field = get_fields_from_path(model, path)[-1]
        if field.column not in gram_indexed_columns(field.model._meta.db_table):
            unindexed.append(path)

    assert not unindexed, f"{model.__name__}: no gram index on {unindexed}"
