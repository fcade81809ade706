"""Character-gram search columns on PostgreSQL, serving words of any length.

The trigram indexes of 0004 cannot answer a one- or two-character word (工匠, 技), so such a
search read every text. Here each searched table gets a column `search_grams`: for each
searched column, its lower-cased characters and pairs of adjacent characters, each tagged
with the column's place in events/search.py's SEARCHED_FIELDS ('0技', '0技能', '3工匠', ...),
and a GIN index on it. A one- or two-character word in any field is then found exactly by
`search_grams && ARRAY['0工匠', '1工匠', ...]`, in the title alone by `@> ARRAY['0工匠']`; a
longer word by containing all its pairs, confirmed with LIKE.

The column is generated (GENERATED ALWAYS ... STORED): PostgreSQL computes it on every write
— a save, a bulk import, an UPDATE — so it never goes stale and nothing rebuilds it. It is
stored rather than an index expression so that a query walking many rows reads the array
instead of computing it. Django does not know the column; it lists columns in every INSERT
and SELECT, so it never writes or reads it. The trigram indexes stay: the admin's search
(LIKE on each field) goes through them. SQLite keeps matching with LIKE; its scan is fast
enough at the sizes it is meant for.
"""

from django.db import migrations

# In the order of events/search.py's SEARCHED_FIELDS (tests/test_search_fields.py checks it).
SEARCHED_COLUMNS = {
    "events_event": ["title", "short_title", "summary", "body"],
    "events_milestone": ["title", "description", "venue"],
    "events_award": ["name", "ceremony", "conferring_body", "recipients_description", "description"],
    "events_awardrecipient": ["name"],
    "events_trainingbase": ["name", "host_organization", "description"],
}

# Every character of the lower-cased text and every pair of adjacent ones, tagged, each once.
# Splitting into an array first keeps it linear: substr() on multibyte text walks from the
# start each time.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION search_grams(content text, tag text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT tag || gram), '{}')
    FROM string_to_array(lower(coalesce(content, '')), NULL) AS chars,
        LATERAL unnest(chars || array(
            SELECT chars[i] || chars[i + 1] FROM generate_series(1, cardinality(chars) - 1) AS i
        )) AS gram
$$
"""


def gram_index(table):
    return f"{table.removeprefix('events_')}_search_grams"


def create_gram_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    for table, columns in SEARCHED_COLUMNS.items():
        grams = " || ".join(f"search_grams(\"{column}\", '{place}')" for place, column in enumerate(columns))
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD COLUMN search_grams text[] GENERATED ALWAYS AS ({grams}) STORED'
        )
        schema_editor.execute(f'CREATE INDEX "{gram_index(table)}" ON "{table}" USING gin (search_grams)')
        # The planner's estimate of how many rows hold a gram comes from the most common
        # grams it samples; with the default sample a rare gram is guessed at one row in a
        # hundred or so, enough to choose a parallel scan for a word found nowhere.
        schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN search_grams SET STATISTICS 1000')
        schema_editor.execute(f'ANALYZE "{table}"')


def drop_gram_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHED_COLUMNS:
        schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS search_grams')
    schema_editor.execute("DROP FUNCTION IF EXISTS search_grams(text, text)")


class Migration(migrations.Migration):
    dependencies = [("events", "0013_english_edition")]

    operations = [migrations.RunPython(create_gram_columns, drop_gram_columns, elidable=False)]
