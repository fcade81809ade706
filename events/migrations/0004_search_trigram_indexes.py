"""Trigram indexes for search on PostgreSQL.

Search matches a caseless word (Chinese, digits) with column LIKE '%词%'. A GIN trigram
index on the column answers that for words of three or more characters without reading
every row. SQLite has no such index; its scan is fast enough at the sizes it is meant for.
The fields are those events/search.py searches.
"""

from django.db import migrations

SEARCHED_COLUMNS = {
    "events_event": ["title", "short_title", "summary", "body"],
    "events_milestone": ["title", "description", "venue"],
    "events_award": ["name", "ceremony", "conferring_body", "recipients_description", "description"],
    "events_awardrecipient": ["name"],
    "events_trainingbase": ["name", "host_organization", "description"],
}


def index_name(table, column):
    return f"{table.removeprefix('events_')}_{column}_trgm"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in SEARCHED_COLUMNS.items():
        for column in columns:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{index_name(table, column)}" '
                f'ON "{table}" USING gin ("{column}" gin_trgm_ops)'
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in SEARCHED_COLUMNS.items():
        for column in columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(table, column)}"')


class Migration(migrations.Migration):
    dependencies = [("events", "0003_public_list_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
