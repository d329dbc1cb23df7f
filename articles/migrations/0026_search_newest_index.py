"""PostgreSQL: the newest best matches of a search read from one index, without the table.

A search whose words many headlines, summaries and tags hold ranks only its newest 1,000
such matches (articles.search, PostgresSearch.hits). They were found by reading the
articles newest first, one table row each. This index holds, in date order, everything that
reading needs (the publishing rule's columns and the small ranking vector), so the newest
matches are read from it alone: at 100,000 articles a word in 5,000 headlines reads its
newest 1,000 in some 5 ms where ranking all 5,000 took 9 to 13.

A btree entry holds at most 2,704 bytes, so the ranking vector is bounded to 2,000: an
article whose headline, summary and tags come to more is ranked by its headline's words
alone (article_rank_vector_bounded(), applied by articles.search when it indexes). Every
vector is brought under the bound before the index is built.

Also lowers the declared cost of article_search_pairs() (0008) from 5,000 to 300: at 5,000
the planner, counting that cost for rows whose index already answered, added a scan of the
date index to every phrase search to skip 3 % of them, 4 ms of a 17 ms query. At 300 the
phrase indexes are still read rather than the function computed row by row, at 10,000
articles as at 100,000 (make bench-search).
"""

from django.db import migrations

RANK_VECTOR_LIMIT = 2000

BOUNDED = f"""
CREATE OR REPLACE FUNCTION article_rank_vector_bounded(document tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pg_column_size(document) <= {RANK_VECTOR_LIMIT} THEN document
                ELSE ts_filter(document, '{{a}}') END
$$
"""

INDEX = (
    "CREATE INDEX IF NOT EXISTS article_newest_ranked ON articles_article "
    "(publish_at, id) INCLUDE (status, unpublish_at, search_rank_vector)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BOUNDED)
    schema_editor.execute(
        "UPDATE articles_article "
        "SET search_rank_vector = article_rank_vector_bounded(search_rank_vector) "
        f"WHERE pg_column_size(search_rank_vector) > {RANK_VECTOR_LIMIT}"
    )
    schema_editor.execute(INDEX)
    schema_editor.execute("ALTER FUNCTION article_search_pairs(tsvector) COST 300")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER FUNCTION article_search_pairs(tsvector) COST 5000")
    schema_editor.execute("DROP INDEX IF EXISTS article_newest_ranked")
    schema_editor.execute("DROP FUNCTION IF EXISTS article_rank_vector_bounded(tsvector)")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0025_article_not_plainly_live"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
