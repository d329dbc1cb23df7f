"""Which URL stands for each page type, and what each one costs in SQL."""

import functools
import time
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Length
from django.test import Client, override_settings
from django.urls import reverse

from articles import page_data, renewal, signals
from articles.models import Article, TaggedArticle
from comments.models import Comment
from comments.signals import comments_key
from newsroom.cache import invalidate_pages, renew

PAGE_TYPES = ("home", "section", "article", "tag", "search", "feed")
SEARCH_WORD = "libya"


def _newest(articles):
    return articles.select_related("section").order_by("-publish_at", "-id").first()


def _representatives():
    """The newest live article and the slug of the most used tag."""
    article = _newest(Article.objects.published())
    if article is None:
        raise RuntimeError("There is no published article to benchmark.")
    top_tag = (
        TaggedArticle.objects.values("tag__slug").annotate(uses=Count("id")).order_by("-uses")
    ).first()
    return article, top_tag["tag__slug"]


def representative_urls():
    """The pages a breaking story sends readers to: the newest article, its section, the
    most used tag, a search for a common word and the main feed."""
    article, tag_slug = _representatives()
    return {
        "home": reverse("articles:home"),
        "section": article.section.get_absolute_url(),
        "article": article.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": tag_slug}),
        "search": f"{reverse('articles:search')}?{urlencode({'q': SEARCH_WORD})}",
        # Feeds come with their own module; until then this row shows errors, not a crash.
        "feed": "/feed/",
    }


def shown_changes():
    """For each page type of representative_urls(), the changes of a working newsroom that
    the page shows, each as the keys it renews, computed by the code the desk's saves run
    (articles.signals.saved_keys, comments.signals.comments_key): {page: {change: keys}}.
    A page's render right after one of them is what its next reader waits for; a change
    the page does not show leaves it cached."""
    article, tag_slug = _representatives()
    published = functools.partial(signals.saved_keys, old=None)  # as a new story published
    before, _ = page_data.neighbours(article)
    tagged = _newest(Article.objects.published().filter(tags__slug=tag_slug))
    story = {"a story published": published(article)}
    edited = Article.objects.filter(pk=article.pk).values(*renewal.CARD_FIELDS).get()
    return {
        "home": story,
        "section": {"a story published in it": story["a story published"]},
        "article": {
            "a comment approved on it": [comments_key(article.pk)],
            "its text edited": signals.saved_keys(article, old=edited),
            "the story before it published": published(before) if before else [],
        },
        "tag": {"a story published with the tag": published(tagged)},
        "search": story,
        "feed": story,
    }


def twin_article(schema, url):
    """The newest live article here shaped like the one at ``url`` in the dataset of
    ``schema``: as many approved comments, as long a body. The flat-cost row then compares
    the same page on 1,000 and on 100,000 articles, not a story with 16 comments and one
    with 119 (twice the bytes). Returns (url, comments), or None when nothing matches."""
    quote = connection.ops.quote_name
    articles = f"{quote(schema)}.{quote(Article._meta.db_table)}"
    comments = f"{quote(schema)}.{quote(Comment._meta.db_table)}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {comments} c WHERE c.article_id = a.id"
            f" AND c.status = %s), length(a.body) FROM {articles} a WHERE a.slug = %s",
            [Comment.Status.APPROVED, url.rstrip("/").rsplit("/", 1)[-1]],
        )
        shape = cursor.fetchone()
    if shape is None:
        return None
    approved = Count("comments", filter=Q(comments__status=Comment.Status.APPROVED))
    twin = (
        Article.objects.published()
        .annotate(approved=approved, body_length=Length("body"))
        .filter(approved=shape[0], body_length=shape[1])
        .order_by("-publish_at", "-id")
        .first()
    )
    return None if twin is None else (twin.get_absolute_url(), shape[0])


def profile(urls, host="127.0.0.1", repeats=15, changes=None):
    """Per page: status, SQL queries and SQL time with the page cache off, and the queries
    of a page served from the page cache. Times are the fastest of `repeats` renders (after
    one that fills the other caches): on a shared machine the minimum is what the page
    costs, everything above it is waiting for the CPU. Renders after a change: right after
    each of the page's ``changes`` (shown_changes(); the slowest counts), and right after
    everything was renewed."""
    changes = changes or {}
    # As nginx would forward it (X-Forwarded-Proto: https): production settings redirect
    # plain HTTP, and a profile of the redirect would say nothing about the page.
    client = Client(HTTP_HOST=host, raise_request_exception=False)
    get = functools.partial(client.get, secure=True)

    def measured(url, before=lambda: None, times=repeats):
        """(response, queries, fastest SQL seconds, fastest render seconds) of `times` renders."""
        samples = []
        for _ in range(times):
            before()
            timer = SQLTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                response = get(url)
                samples.append((timer.queries, timer.seconds, time.perf_counter() - started))
        fastest = [min(column) for column in zip(*samples, strict=True)]
        return response, samples[-1][0], fastest[1], fastest[2]

    results = {}
    for name, url in urls.items():
        with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0):
            get(url)
            response, queries, sql, render = measured(url)
            # The first render after a change anywhere on the site (an article published):
            # every cached fragment and count of the old generation is stale, so this is
            # the render the page cache and the fragments cannot spare.
            _, changed_queries, _, changed_render = measured(
                url, before=invalidate_pages, times=repeats
            )
            after = {}
            for change, keys in changes.get(name, {}).items():
                after[change] = measured(url, before=functools.partial(renew, *keys), times=repeats)
        get(url)  # fills the page cache
        _, cached_queries, _, _ = measured(url, times=1)
        results[name] = {
            "url": url,
            "status": response.status_code,
            "queries": queries,
            "sql_ms": 1000 * sql,
            "render_ms": 1000 * render,
            "cached_queries": cached_queries,
            "changed_queries": changed_queries,
            "changed_render_ms": 1000 * changed_render,
            # {change: (queries, render ms)} of the changes this page shows
            "shown_changes": {
                change: (queries, 1000 * render)
                for change, (_, queries, _, render) in after.items()
            },
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
