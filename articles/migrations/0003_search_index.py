"""The full-text index, per database: a GIN-indexed tsvector column on PostgreSQL, an FTS5
table on SQLite. articles.search keeps it current; this migration builds it and fills it
from the articles already there (the same weights and text as articles.search uses)."""

import html
import re

import django.contrib.postgres.search
from django.db import migrations

FTS5_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS articles_search USING fts5(
    headline, dek, tags, section, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
)
"""

POSTGRES_INDEX = (
    "CREATE INDEX IF NOT EXISTS article_search_vector ON articles_article "
    "USING gin (search_vector)"
)

POSTGRES_FILL = r"""
UPDATE articles_article AS a SET search_vector =
    setweight(to_tsvector('english', a.headline), 'A')
    || setweight(to_tsvector('english', a.dek), 'B')
    || setweight(to_tsvector('english', coalesce((
        SELECT string_agg(t.name, ' ') FROM articles_taggedarticle ta
        JOIN taggit_tag t ON t.id = ta.tag_id WHERE ta.content_object_id = a.id
    ), '')), 'B')
    || setweight(to_tsvector('english', coalesce((
        SELECT s.name FROM articles_section s WHERE s.id = a.section_id
    ), '')), 'D')
    || setweight(to_tsvector('english', regexp_replace(
        left(a.body, 100000), '<(?:"[^"]*"|''[^'']*''|[^''">])*>', ' ', 'g'
    )), 'C')
"""

TAG_PATTERN = r"""<(?:"[^"]*"|'[^']*'|[^'">])*>"""


def plain_text(markup):
    text = html.unescape(re.sub(TAG_PATTERN, " ", (markup or "")[:100_000]))
    return " ".join(text.replace("\ue000", "").replace("\ue001", "").split())


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_INDEX)
        schema_editor.execute(POSTGRES_FILL)
    elif vendor == "sqlite":
        schema_editor.execute(FTS5_TABLE)
        Article = apps.get_model("articles", "Article")
        TaggedArticle = apps.get_model("articles", "TaggedArticle")
        tags = {}
        for article_id, name in TaggedArticle.objects.values_list("content_object", "tag__name"):
            tags.setdefault(article_id, []).append(name)
        rows = [
            (pk, headline, dek, " ".join(tags.get(pk, [])), section, plain_text(body))
            for pk, headline, dek, section, body in Article.objects.values_list(
                "pk", "headline", "dek", "section__name", "body"
            ).iterator()
        ]
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO articles_search (rowid, headline, dek, tags, section, body) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_vector")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS articles_search")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0002_image_focal_point_and_renditions"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
