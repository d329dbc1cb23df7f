"""'Popular News' counting: one view per reader and article an hour, from our own pages only,
kept in the cache and folded into the daily totals."""

import re
import time
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import popularity
from articles.models import Article, DailyViews

from .conftest import make_article
from .test_comments import post

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"


def beacon(client, article, address="198.51.100.7", **headers):
    headers.setdefault("Origin", "http://testserver")
    headers.setdefault("User-Agent", BROWSER)
    headers = {name: value for name, value in headers.items() if value is not None}
    return client.post(
        reverse("articles:count_view", args=[article.pk]),
        headers={"X-Forwarded-For": address, **headers},
    )


def fold():
    call_command("fold_view_counts", stdout=StringIO())


def views(article):
    return sum(article.daily_views.values_list("views", flat=True))


@pytest.fixture
def article(section):
    return make_article(section=section)


def test_readers_views_reach_the_daily_totals_once_folded(client, article):
    for n in range(3):
        assert beacon(client, article, address=f"198.51.100.{n + 1}").status_code == 204
    out = StringIO()
    call_command("fold_view_counts", stdout=out)
    assert "Folded" in out.getvalue()
    assert article.daily_views.get().views == 3
    assert article.daily_views.get().day == timezone.localdate()
    fold()
    assert views(article) == 3  # folded once, not twice


def test_a_second_view_from_the_same_reader_within_the_hour_is_not_counted(client, article):
    assert beacon(client, article).status_code == 204
    assert beacon(client, article).status_code == 204
    fold()
    assert views(article) == 1


def test_the_same_reader_counts_again_once_the_period_is_over(client, article, monkeypatch):
    monkeypatch.setattr(popularity, "COUNT_ONCE_PER", 1)
    beacon(client, article)
    time.sleep(1.1)  # real time: a Redis cache expires keys on its own clock
    beacon(client, article)
    fold()
    assert views(article) == 2


def test_a_reader_counts_once_per_article(client, article, section):
    other = make_article(section=section)
    beacon(client, article)
    beacon(client, other)
    fold()
    assert (views(article), views(other)) == (1, 1)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": None, "Referer": "https://evil.example/page"},
        {"Origin": "null"},
        {"Origin": None},
    ],
    ids=["other-origin", "other-referer", "null-origin", "no-origin"],
)
def test_a_beacon_not_sent_from_our_pages_is_answered_alike_and_not_counted(
    client, article, headers
):
    response = beacon(client, article, **headers)
    assert response.status_code == 204
    assert response.content == b""
    fold()
    assert views(article) == 0


def test_a_beacon_from_our_page_with_a_referer_only_counts(client, article):
    beacon(client, article, Origin=None, Referer=f"http://testserver{article.get_absolute_url()}")
    fold()
    assert views(article) == 1


@pytest.mark.parametrize(
    "agent", ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5", "HeadlessChrome", ""]
)
def test_bots_are_not_counted(client, article, agent):
    assert beacon(client, article, **{"User-Agent": agent}).status_code == 204
    fold()
    assert views(article) == 0


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW])
def test_unpublished_article_gets_the_same_answer_and_no_count(client, section, status):
    draft = make_article(section=section, status=status)
    assert beacon(client, draft).status_code == 204
    fold()
    assert not DailyViews.objects.exists()


def test_beacon_for_an_unknown_article_gets_the_same_answer(client, article):
    url = reverse("articles:count_view", args=[article.pk + 1000])
    response = client.post(url, headers={"Origin": "http://testserver", "User-Agent": BROWSER})
    assert response.status_code == 204


def test_beacon_writes_nothing_to_the_database(client, article):
    beacon(client, article, address="198.51.100.1")  # the minute's first: folds
    with CaptureQueriesContext(connection) as queries:
        for n in range(2, 12):
            assert beacon(client, article, address=f"198.51.100.{n}").status_code == 204
    assert len(queries) == 10  # one read each: is the article live?
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in queries)
    fold()
    assert views(article) == 11


def test_the_first_beacon_of_a_new_minute_folds_the_counts_by_itself(client, article):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        beacon(client, article, address="198.51.100.1")
        beacon(client, article, address="198.51.100.2")
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        beacon(client, article, address="198.51.100.3")
    assert views(article) == 3


def test_views_wait_in_the_cache_while_the_database_is_down(client, article):
    with mock.patch.object(popularity, "add_views", side_effect=ConnectionError("db down")):
        assert beacon(client, article, address="198.51.100.1").status_code == 204
        beacon(client, article, address="198.51.100.2")
        fold()
    assert views(article) == 0
    fold()
    assert views(article) == 2


def test_a_broken_cache_still_answers_and_counts_nothing(client, article):
    with mock.patch.object(popularity.cache, "add", side_effect=ConnectionError("down")):
        assert beacon(client, article).status_code == 204
    assert views(article) == 0


def test_the_beacon_needs_a_post_and_sets_no_cookie(client, article):
    url = reverse("articles:count_view", args=[article.pk])
    assert client.get(url).status_code == 405
    assert beacon(client, article).cookies == {}


def test_popular_news_follows_the_folded_views(client, section):
    quiet, busy = make_article(section=section), make_article(section=section)
    beacon(client, quiet, address="198.51.100.1")
    for n in range(3):
        beacon(client, busy, address=f"198.51.100.{n + 10}")
    fold()
    assert popularity.popular(limit=2) == [busy, quiet]


def test_pages_without_lists_of_their_own_keep_popular_news_on_every_page(client, section):
    """The sidebar's "Popular News" is one fragment kept for every page. A 404, a footer
    page or a comment sent back for a mistake, drawn first, kept it empty for a minute."""
    story = make_article(section=section, headline="Harbour reopens after the storm")
    FlatPage.objects.create(url="/about/", title="About us", content="<p>Us</p>").sites.add(
        Site.objects.get_current()
    )
    first_pages = [
        lambda: client.get("/no-such-page/"),
        lambda: client.get("/about/"),
        lambda: post(client, story, email="not an address"),
    ]
    for draw_first in first_pages:
        cache.clear()
        answer = draw_first()
        assert answer.status_code in (200, 400, 404)
        assert "Popular News" in answer.content.decode()
        for page in (reverse("articles:home"), section.get_absolute_url()):
            popular = re.search(r'<ol class="popular">(.*?)</ol>', client.get(page).text, re.S)
            assert popular and story.headline in popular.group(1), page


def test_folding_by_hand_says_when_the_counts_are_out_of_its_reach(settings):
    """Without REDIS_URL the counts are in each server process's memory: the command says so
    rather than reporting "Folded 0 views" as if there were none."""
    local = "django.core.cache.backends.locmem.LocMemCache"
    for backend, told in [(local, True), ("django.core.cache.backends.redis.RedisCache", False)]:
        settings.CACHES = {"default": {**settings.CACHES["default"], "BACKEND": backend}}
        err = StringIO()
        call_command("fold_view_counts", stdout=StringIO(), stderr=err)
        assert ("local to each process" in err.getvalue()) is told
