"""Search at 100,000 articles, as measured with `manage.py bench_search`.

PostgreSQL ranks on a small vector (headline, summary, tags, section) kept inside the table
row, and moves the large body and full vector out of it, so that ranking and counting
thousands of matches reads little. SQLite checks the publishing rule for each full-text match
from an index instead of the row."""

import django.contrib.postgres.search
from django.db import migrations, models

POSTGRES_LAYOUT = [
    "ALTER TABLE articles_article ALTER COLUMN search_rank_vector SET STORAGE MAIN",
    "ALTER TABLE articles_article SET (toast_tuple_target = 512)",
]

POSTGRES_FILL = """
UPDATE articles_article AS a SET search_rank_vector =
    setweight(to_tsvector('english', a.headline), 'A')
    || setweight(to_tsvector('english', a.dek), 'B')
    || setweight(to_tsvector('english', coalesce((
        SELECT string_agg(t.name, ' ') FROM articles_taggedarticle ta
        JOIN taggit_tag t ON t.id = ta.tag_id WHERE ta.content_object_id = a.id
    ), '')), 'B')
    || setweight(to_tsvector('english', coalesce((
        SELECT s.name FROM articles_section s WHERE s.id = a.section_id
    ), '')), 'D')
"""


def use_rank_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_LAYOUT:
            schema_editor.execute(statement)
        schema_editor.execute(POSTGRES_FILL)


def drop_layout(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE articles_article RESET (toast_tuple_target)")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0003_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(use_rank_vector, drop_layout),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["id", "status", "publish_at"], name="article_id_published"
            ),
        ),
    ]
