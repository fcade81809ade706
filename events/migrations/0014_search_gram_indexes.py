"""Character-gram indexes for search on PostgreSQL, serving words of any length.

The trigram indexes of 0004 cannot answer a one- or two-character word (工匠, 技), so such a
search read every text. Here each searched column gets a GIN index on the array of its
lower-cased characters and pairs of adjacent characters (`search_grams(column)`, an immutable
SQL function). A one- or two-character word is found exactly by `search_grams(column) @>
ARRAY[word]`; a longer word by containing all its pairs, then checked with LIKE. The index is
an expression of the column itself, so every write (a save, a bulk import, an UPDATE) keeps
it current and nothing needs rebuilding. The gram indexes replace the trigram ones, which
no query uses any more. SQLite keeps matching with LIKE; its scan is fast enough at the
sizes it is meant for.

The columns are those events/search.py searches (tests/test_search_fields.py checks it).
"""

from django.db import migrations

SEARCHED_COLUMNS = {
    "events_event": ["title", "short_title", "summary", "body"],
    "events_milestone": ["title", "description", "venue"],
    "events_award": ["name", "ceremony", "conferring_body", "recipients_description", "description"],
    "events_awardrecipient": ["name"],
    "events_trainingbase": ["name", "host_organization", "description"],
}

# Every character of the lower-cased text and every pair of adjacent ones (GIN keeps each
# once). Splitting into an array first keeps it linear: substr() on multibyte text walks from
# the start each time.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION search_grams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT chars || array(
        SELECT chars[i] || chars[i + 1] FROM generate_series(1, cardinality(chars) - 1) AS i
    )
    FROM string_to_array(lower($1), NULL) AS chars
$$
"""


def gram_index(table, column):
    return f"{table.removeprefix('events_')}_{column}_grams"


def trigram_index(table, column):
    return f"{table.removeprefix('events_')}_{column}_trgm"


def create_gram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    for table, columns in SEARCHED_COLUMNS.items():
        for column in columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{trigram_index(table, column)}"')
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{gram_index(table, column)}" '
                f'ON "{table}" USING gin (search_grams("{column}"))'
            )
        schema_editor.execute(f'ANALYZE "{table}"')


def drop_gram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in SEARCHED_COLUMNS.items():
        for column in columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{gram_index(table, column)}"')
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{trigram_index(table, column)}" '
                f'ON "{table}" USING gin ("{column}" gin_trgm_ops)'
            )
    schema_editor.execute("DROP FUNCTION IF EXISTS search_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("events", "0013_english_edition")]

    operations = [migrations.RunPython(create_gram_indexes, drop_gram_indexes, elidable=False)]
