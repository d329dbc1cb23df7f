"""A GIN index on PostgreSQL's small ranking vector (headline, summary, tags, section).

A search whose first page is made only of articles with the words in those fields reads
that page from this index, instead of ranking every article that mentions the words."""

from django.db import migrations

POSTGRES_INDEX = (
    "CREATE INDEX IF NOT EXISTS article_search_rank_vector ON articles_article "
    "USING gin (search_rank_vector)"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_rank_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_search_ranking"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
