"""Which URL stands for each page type, and what each one costs in SQL."""

import statistics
import time
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, TaggedArticle

PAGE_TYPES = ("home", "section", "article", "tag", "search", "feed")
SEARCH_WORD = "libya"


def representative_urls():
    """The pages a breaking story sends readers to: the newest article, its section, the
    most used tag, a search for a common word and the main feed."""
    article = (
        Article.objects.published().select_related("section").order_by("-publish_at", "-id")
    ).first()
    if article is None:
        raise RuntimeError("There is no published article to benchmark.")
    top_tag = (
        TaggedArticle.objects.values("tag__slug").annotate(uses=Count("id")).order_by("-uses")
    ).first()
    return {
        "home": reverse("articles:home"),
        "section": article.section.get_absolute_url(),
        "article": article.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": top_tag["tag__slug"]}),
        "search": f"{reverse('articles:search')}?{urlencode({'q': SEARCH_WORD})}",
        # Feeds come with their own module; until then this row shows errors, not a crash.
        "feed": "/feed/",
    }


def profile(urls, host="127.0.0.1", repeats=5):
    """Per page: status, SQL queries and SQL time with the page cache off (the median of
    `repeats` renders), and the queries of a page served from the cache."""
    client = Client(HTTP_HOST=host, raise_request_exception=False)
    results = {}
    for name, url in urls.items():
        samples = []
        with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0):
            for _ in range(repeats):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    elapsed = time.perf_counter() - started
                sql = sum(float(query["time"]) for query in queries.captured_queries)
                samples.append((len(queries), sql, elapsed))
        client.get(url)  # fills the page cache
        with CaptureQueriesContext(connection) as cached:
            client.get(url)
        results[name] = {
            "url": url,
            "status": response.status_code,
            "queries": samples[-1][0],
            "sql_ms": 1000 * statistics.median(sample[1] for sample in samples),
            "render_ms": 1000 * statistics.median(sample[2] for sample in samples),
            "cached_queries": len(cached),
        }
    return results
