"""An index of adjacent word pairs for phrase search on PostgreSQL.

The GIN index on the search vector knows which articles hold each word, not where: a
"quoted phrase" of common words had to be checked against the word positions of every
article holding all its words, tens of thousands of out-of-line vectors. These expression
indexes hold each article's adjacent pairs of words ("climat presid"), in the full vector
and in the small ranking one, and decide a two-word phrase without reading any positions."""

from django.db import migrations

PAIRS_FUNCTION = """
CREATE OR REPLACE FUNCTION article_search_pairs(document tsvector) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT first.lexeme || ' ' || second.lexeme), '{}')
    FROM (SELECT lexeme, unnest(positions) AS position FROM unnest(document)) AS first
    JOIN (SELECT lexeme, unnest(positions) AS position FROM unnest(document)) AS second
        ON second.position = first.position + 1
$$
"""

PAIRS_INDEXES = [
    "CREATE INDEX IF NOT EXISTS article_search_pairs ON articles_article "
    "USING gin (article_search_pairs(search_vector))",
    "CREATE INDEX IF NOT EXISTS article_search_rank_pairs ON articles_article "
    "USING gin (article_search_pairs(search_rank_vector))",
]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PAIRS_FUNCTION)
        for statement in PAIRS_INDEXES:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_rank_pairs")
        schema_editor.execute("DROP INDEX IF EXISTS article_search_pairs")
        schema_editor.execute("DROP FUNCTION IF EXISTS article_search_pairs(tsvector)")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_search_rank_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
