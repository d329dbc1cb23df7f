"""Which URL stands for each page type, and what each one costs in SQL."""

import functools
import time
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Article, TaggedArticle
from newsroom.cache import invalidate_pages

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


def profile(urls, host="127.0.0.1", repeats=15):
    """Per page: status, SQL queries and SQL time with the page cache off, and the queries
    of a page served from the page cache. Times are the fastest of `repeats` renders (after
    one that fills the other caches): on a shared machine the minimum is what the page
    costs, everything above it is waiting for the CPU."""
    # As nginx would forward it (X-Forwarded-Proto: https): production settings redirect
    # plain HTTP, and a profile of the redirect would say nothing about the page.
    client = Client(HTTP_HOST=host, raise_request_exception=False)
    get = functools.partial(client.get, secure=True)
    results = {}
    for name, url in urls.items():
        samples = []
        with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0):
            get(url)
            for _ in range(repeats):
                timer = SQLTimer()
                with connection.execute_wrapper(timer):
                    started = time.perf_counter()
                    response = get(url)
                    elapsed = time.perf_counter() - started
                samples.append((timer.queries, timer.seconds, elapsed))
        # The first render after a change anywhere on the site (an article published): every
        # cached fragment and count of the old generation is stale, so this is the render
        # the page cache and the fragments cannot spare.
        after_change = []
        with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0):
            for _ in range(max(3, repeats // 3)):
                invalidate_pages()
                timer = SQLTimer()
                with connection.execute_wrapper(timer):
                    started = time.perf_counter()
                    get(url)
                    after_change.append((timer.queries, time.perf_counter() - started))
        get(url)  # fills the page cache
        cached = SQLTimer()
        with connection.execute_wrapper(cached):
            get(url)
        results[name] = {
            "url": url,
            "status": response.status_code,
            "queries": samples[-1][0],
            "sql_ms": 1000 * min(sample[1] for sample in samples),
            "render_ms": 1000 * min(sample[2] for sample in samples),
            "cached_queries": cached.queries,
            "changed_queries": after_change[-1][0],
            "changed_render_ms": 1000 * min(sample[1] for sample in after_change),
        }
    return results


class SQLTimer:
    """Counts queries and adds up their time (Django's own log rounds each to a millisecond)."""

    def __init__(self):
        self.queries, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1
