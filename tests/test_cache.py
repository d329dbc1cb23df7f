"""Whole-page caching: fast for anonymous readers, exact on change, never leaking."""

import logging
import time
from datetime import timedelta
from urllib.parse import unquote_to_bytes

import pytest
import time_machine
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import connection, transaction
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from taggit.models import Tag

from articles.models import Article
from articles.views import ArticleListMixin
from comments import moderation
from comments.models import Comment
from newsroom import cache as page_cache

from .conftest import make_article, make_section, uploaded_jpeg

pytestmark = pytest.mark.django_db


def test_second_anonymous_request_is_served_without_queries(
    client, section, django_assert_num_queries
):
    make_article(section=section, headline="Cached story")
    first = client.get("/")
    assert first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert b"Cached story" in second.content


def test_page_cache_seconds_zero_renders_every_request_afresh(client, section, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = make_article(section=section, headline="Uncached story")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(headline="Quietly changed")  # no signal
    response = client.get(article.get_absolute_url())
    assert "X-Cache" not in response
    assert b"Quietly changed" in response.content
    assert "public" not in response["Cache-Control"]


def test_popular_news_comes_from_the_fragment_cache_after_the_first_page(client, section, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    first, second = make_article(section=section), make_article(section=section)
    with CaptureQueriesContext(connection) as filling:
        assert b"Popular News" in client.get(first.get_absolute_url()).content
    with CaptureQueriesContext(connection) as reusing:
        assert b"Popular News" in client.get(second.get_absolute_url()).content
    assert len(reusing) < len(filling)


def test_an_edit_shows_in_popular_news_on_the_next_request(client, section, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = make_article(section=section, headline="Old popular headline")
    make_article(section=make_section(), tags=["Weather"])
    assert b"Old popular headline" in client.get("/tag/weather/").content  # only in the sidebar
    article.headline = "New popular headline"
    article.save()
    assert b"New popular headline" in client.get("/tag/weather/").content


PAGE = ArticleListMixin.paginate_by


def counts(queries):
    """The paginator's counting queries (not the comment counts inside a listing's SELECT)."""
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]


def test_an_uncached_article_render_asks_the_cache_once(client, section, settings, monkeypatch):
    """The clock, the next publish time and the stamps of the page's keys (those it had last
    time) come back in one round trip; everything else is a fragment this process holds."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = make_article(section=section)
    Comment.objects.create(
        article=article, name="Ann", email="a@example.com", body="First!", status="approved"
    )
    client.get(article.get_absolute_url())
    calls, busy = [], []

    def counted(name, original):
        def method(*args, **kwargs):
            if not busy:  # a round trip; LocMem's get_many calls its own get
                calls.append(name)
            busy.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                busy.pop()

        return method

    for name in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "First!" in html and "1 Comment" in html
    assert calls == ["get_many"]

    Comment.objects.create(
        article=article, name="Bob", email="b@example.com", body="Second!", status="approved"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Second!" in html and "2 Comments" in html


def test_the_empty_comment_form_outlives_changes_elsewhere(client, section, settings):
    """The form depends on the article and the templates only: publishing another story
    renews the page's other fragments (here, its Next Post link) but not the form."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = make_article(section=section, publish_at=timezone.now() - timedelta(hours=2))

    def drawn(response):
        return {template.name for template in response.templates}

    first = client.get(article.get_absolute_url())
    assert "comments/form.html" in drawn(first)
    make_article(section=section, headline="Story published since", publish_at=timezone.now())
    again = client.get(article.get_absolute_url())
    html = again.content.decode()
    assert "Next Post" in html and "Story published since" in html
    assert "comments/form.html" not in drawn(again)
    assert html.count('id="comment-form"') == 1
    assert f'action="/comments/post/{article.pk}/"' in html


def test_a_listing_is_counted_once_until_it_changes(client, section, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    for _ in range(PAGE + 1):
        make_article(section=section)
    url = section.get_absolute_url()
    with CaptureQueriesContext(connection) as first:
        assert b"Page 1 of 2" in client.get(url).content
    with CaptureQueriesContext(connection) as second:
        assert b"Page 2 of 2" in client.get(url, {"page": 2}).content
    assert counts(first) and not counts(second)
    make_article(section=section)
    with CaptureQueriesContext(connection) as after_change:
        assert b"Page 1 of 2" in client.get(url).content
    assert counts(after_change)


def test_a_scheduled_article_going_live_renews_the_count(client, section, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    for _ in range(PAGE):
        make_article(section=section)
    publish_at = timezone.now() + timedelta(seconds=90)
    make_article(section=section, publish_at=publish_at)
    assert b"Page 1 of 2" not in client.get(section.get_absolute_url()).content
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert b"Page 1 of 2" in client.get(section.get_absolute_url()).content


def test_anonymous_pages_are_public_set_no_cookies_and_vary_on_cookie(client, section):
    article = make_article(section=section)
    for url in ["/", article.get_absolute_url(), section.get_absolute_url(), "/search/?q=x"]:
        response = client.get(url)
        assert "public" in response["Cache-Control"]
        assert "max-age=" in response["Cache-Control"]
        assert "stale-while-revalidate=" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]
        assert not response.cookies
        assert b"csrfmiddlewaretoken" not in response.content


def test_a_page_from_the_cache_carries_the_headers_of_the_rendered_one(client, section):
    make_article(section=section)
    rendered = client.get("/")
    cached = client.get("/")
    assert (rendered["X-Cache"], cached["X-Cache"]) == ("MISS", "HIT")
    for header in (
        "Content-Type",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "ETag",
        "Vary",
    ):
        assert cached[header] == rendered[header], header
    assert int(cached["Content-Length"]) == len(cached.content)


def test_uploaded_files_are_left_to_the_file_server(client, section):
    article = make_article(
        section=section, featured_image=uploaded_jpeg("p.jpg", size=(64, 36)), image_alt="A"
    )
    response = client.get(article.lead_image.file.url)
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "private" not in response.get("Cache-Control", "")


class FakeDjango:
    """Stands in for Django's handler behind PageCacheApp: records what reached it."""

    def __init__(self):
        self.calls = []

    def __call__(self, environ, start_response):
        self.calls.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"rendered by django"]


def wsgi_get(app, path, **headers):
    """GET through a WSGI app with the environ a server gives: the address's bytes in
    PATH_INFO as latin-1 (RequestFactory's request holds it decoded)."""
    request = RequestFactory().get(path, **headers)
    environ = {**request.environ, "PATH_INFO": request.path_info.encode().decode("latin-1")}
    answer = {}
    body = b"".join(app(environ, lambda status, h: answer.update(status=status, headers=h)))
    return answer["status"], dict(answer["headers"]), body


def test_a_cache_hit_is_answered_before_django_runs(client, section):
    make_article(section=section, headline="Fast story")
    rendered = client.get("/")
    django = FakeDjango()
    status, headers, body = wsgi_get(page_cache.PageCacheApp(django), "/")
    assert django.calls == []
    assert status == "200 OK"
    assert body == rendered.content
    assert headers["X-Cache"] == "HIT"
    assert headers["Cache-Control"] == client.get("/")["Cache-Control"]
    for name in ("Content-Type", "X-Frame-Options", "ETag", "Last-Modified", "Vary"):
        assert headers[name] == rendered[name], name


def test_each_search_s_hit_is_checked_in_one_round_trip(client, section, monkeypatch):
    """The keys a page showed last time are remembered per address, query included: two
    searches alternating (different stories, different keys) are each one round trip."""
    make_article(section=section, headline="Flood maps")
    make_article(section=section, headline="Harbour plans")
    searches = ["/search/?q=flood", "/search/?q=harbour"]
    for url in searches:
        client.get(url)
    calls = []
    original = cache.get_many

    def counted(keys, *args, **kwargs):
        calls.append(len(keys))
        return original(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    for url in [*searches, *searches]:
        calls.clear()
        django = FakeDjango()
        status, headers, _body = wsgi_get(page_cache.PageCacheApp(django), url)
        assert (status, headers["X-Cache"], django.calls) == ("200 OK", "HIT", []), url
        assert len(calls) == 1, url


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_COOKIE": "sessionid=abc"}, {"HTTP_IF_NONE_MATCH": '"x"'}, {"HTTP_HOST": "evil.test"}],
    ids=["staff", "conditional", "unknown-host"],
)
def test_staff_conditional_and_unknown_host_requests_reach_django(client, section, headers):
    make_article(section=section)
    client.get("/")
    django = FakeDjango()
    assert wsgi_get(page_cache.PageCacheApp(django), "/", **headers)[2] == b"rendered by django"
    assert django.calls == ["/"]


@pytest.mark.parametrize("name", ["سياسة", "Économie"])
def test_addresses_outside_ascii_are_kept_and_reach_django_as_the_server_sent_them(client, name):
    """A tag named in Arabic or with an accent: the first reader's request reaches Django
    with the address the server decoded, not decoded twice (that was a 500 for Arabic and
    a 404 for "économie"); the next is a hit."""
    article = make_article(tags=[name])
    url = reverse("articles:tag", args=[Tag.objects.get(name=name).slug])  # percent-encoded
    as_sent = unquote_to_bytes(url).decode("latin-1")
    django = FakeDjango()
    assert wsgi_get(page_cache.PageCacheApp(django), url)[2] == b"rendered by django"
    assert django.calls == [as_sent]
    assert client.get(url).status_code == 200  # rendered and kept
    status, headers, body = wsgi_get(page_cache.PageCacheApp(FakeDjango()), url)
    assert (status, headers["X-Cache"]) == ("200 OK", "HIT")
    assert article.headline in body.decode()


def test_a_head_request_gets_the_headers_and_no_body_hit_or_miss(client, section):
    make_article(section=section, headline="Fast story")
    django = FakeDjango()
    status, headers, body = wsgi_get(page_cache.PageCacheApp(django), "/", REQUEST_METHOD="HEAD")
    assert (status, body, django.calls) == ("200 OK", b"", ["/"])  # a miss: Django's answer
    client.get("/")  # kept
    status, headers, body = wsgi_get(
        page_cache.PageCacheApp(FakeDjango()), "/", REQUEST_METHOD="HEAD"
    )
    assert (status, headers["X-Cache"], body) == ("200 OK", "HIT", b"")
    assert int(headers["Content-Length"]) == len(client.get("/").content)


def test_a_page_whose_keys_were_renewed_reaches_django(client, section):
    make_article(section=section)
    client.get("/")
    page_cache.invalidate_pages()
    django = FakeDjango()
    wsgi_get(page_cache.PageCacheApp(django), "/")
    assert django.calls == ["/"]


def test_staff_neither_read_nor_fill_the_cache(client, editor, section):
    make_article(section=section)
    client.force_login(editor)
    response = client.get("/")
    assert "X-Cache" not in response
    assert "private" in response["Cache-Control"]
    client.logout()
    assert client.get("/")["X-Cache"] == "MISS"


def test_admin_is_never_cached(client, editor):
    client.force_login(editor)
    response = client.get("/admin/")
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert "X-Cache" not in response


def test_etag_gives_304_on_a_repeat_visit(client, section):
    make_article(section=section)
    first = client.get("/")
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_if_modified_since_answers_by_the_date_and_ignores_one_in_the_future(client, section):
    make_article(section=section)
    first = client.get("/")
    since = first["Last-Modified"]
    assert client.get("/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    future = http_date(time.time() + 86400)  # a client's clock a day ahead
    again = client.get("/", HTTP_IF_MODIFIED_SINCE=future)
    assert again.status_code == 200 and again.content == first.content


@pytest.mark.parametrize(
    "change",
    [
        "publish",
        "edit",
        "unpublish",
        "delete",
        "retag",
        "rename_section",
        "approve_comment",
        "unapprove_comment",
    ],
)
def test_changes_readers_can_see_show_on_the_next_request(client, section, change):
    article = make_article(section=section, headline="Original headline", tags=["Libya"])
    draft = make_article(section=section, headline="Fresh draft", status=Article.Status.DRAFT)
    comment = Comment.objects.create(
        article=article, name="Reader", email="r@example.com", body="Well said"
    )
    home_before = client.get("/").content.decode()
    page_before = client.get(article.get_absolute_url()).content.decode()
    assert client.get("/")["X-Cache"] == "HIT"

    if change == "publish":
        draft.status = Article.Status.PUBLISHED
        draft.save()
        assert "Fresh draft" in client.get("/").content.decode()
    elif change == "edit":
        article.headline = "Corrected headline"
        article.save()
        assert "Corrected headline" in client.get("/").content.decode()
    elif change == "unpublish":
        article.status = Article.Status.DRAFT
        article.save()
        assert "Original headline" not in client.get("/").content.decode()
        assert client.get(article.get_absolute_url()).status_code == 404
    elif change == "delete":
        url = article.get_absolute_url()
        article.delete()
        assert client.get(url).status_code == 404
    elif change == "retag":
        article.tags.add("Benghazi")
        assert "Benghazi" in client.get(article.get_absolute_url()).content.decode()
    elif change == "rename_section":
        section.name = "Near East"
        section.save()
        assert "Near East" in client.get("/").content.decode()
    elif change == "approve_comment":
        assert "Well said" not in page_before
        comment.status = Comment.Status.APPROVED
        comment.save()
        response = client.get(article.get_absolute_url())
        assert response["X-Cache"] == "MISS"
        assert "Well said" in response.content.decode()
    elif change == "unapprove_comment":
        moderation.approve(comment)
        assert "Well said" in client.get(article.get_absolute_url()).content.decode()
        moderation.set_status(comment, Comment.Status.PENDING)  # a moderator takes it back
        assert "Well said" not in client.get(article.get_absolute_url()).content.decode()
    assert home_before  # the first render happened before the change


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_stored_before_a_change_committed_is_not_served_after_it(client, section):
    article = make_article(section=section, headline="Before the edit")
    client.get("/")
    key = page_cache.page_key(RequestFactory().get("/"))
    with transaction.atomic():
        article.headline = "After the edit"
        article.save()
        # Meanwhile another app process renders the page: it still sees the committed
        # headline, and stores it as rendered at the clock reading this save has just
        # advanced to.
        old_page = cache.get(key)
        cache.set(key, (old_page[0], cache.get(page_cache.CLOCK_KEY), *old_page[2:]), 300)
    assert b"After the edit" in client.get("/").content


def test_a_pending_comment_does_not_empty_the_cache(client, section):
    article = make_article(section=section)
    client.get("/")
    Comment.objects.create(article=article, name="Spam", email="s@example.com", body="buy now")
    assert client.get("/")["X-Cache"] == "HIT"


def test_flat_page_edit_is_seen_at_once(client, db):
    page = FlatPage.objects.create(url="/about/", title="About us", content="<p>Old text</p>")
    page.sites.add(Site.objects.get_current())
    assert b"Old text" in client.get("/about/").content
    page.content = "<p>New text</p>"
    page.save()
    assert b"New text" in client.get("/about/").content


def test_scheduled_article_appears_on_time_on_a_cached_page(client, section):
    publish_at = timezone.now() + timedelta(seconds=90)
    make_article(section=section, headline="Embargoed story", publish_at=publish_at)
    assert b"Embargoed story" not in client.get("/").content
    assert page_cache.page_lifetime() <= 90
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert b"Embargoed story" in client.get("/").content


def test_cached_page_does_not_outlive_local_midnight(db, settings):
    settings.TIME_ZONE = "UTC"
    with time_machine.travel("2025-09-11 23:59:00Z"):
        assert page_cache.page_lifetime() <= 60


def test_pages_are_not_shared_between_hosts(client, section):
    make_article(section=section)
    client.get("/", HTTP_HOST="localhost")
    assert client.get("/", HTTP_HOST="127.0.0.1")["X-Cache"] == "MISS"


REDIS_DOWN = {
    "default": {
        "BACKEND": "newsroom.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


def test_unreachable_redis_means_uncached_pages_not_errors(client, section, caplog):
    make_article(section=section, headline="Still here")
    page_cache.ResilientRedisCache.down_until = 0.0
    page_cache.ResilientRedisCache.outage_logged = False
    with override_settings(CACHES=REDIS_DOWN), caplog.at_level(logging.ERROR, "newsroom.cache"):
        for _ in range(3):
            response = client.get("/")
            assert response.status_code == 200
            assert b"Still here" in response.content
        health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
    page_cache.ResilientRedisCache.down_until = 0.0
    page_cache.ResilientRedisCache.outage_logged = False


@pytest.mark.redis
def test_real_redis_shares_pages_and_invalidations(client, section, settings):
    """Against the Redis server named by REDIS_URL: what every app process shares."""
    import os
    import uuid

    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    article = make_article(section=section, headline="Shared story")
    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/")["X-Cache"] == "HIT"
    article.headline = "Shared story, updated"
    article.save()
    response = client.get("/")
    assert response["X-Cache"] == "MISS"
    assert b"Shared story, updated" in response.content


def test_a_deployment_that_changes_templates_renews_rendered_fragments(tmp_path, settings):
    """Rendered fragments live long (a comment thread for a day); their keys carry a
    fingerprint of the templates, so new markup is never hidden behind old fragments."""
    templates = tmp_path / "templates"
    (templates / "comments").mkdir(parents=True)
    page = templates / "comments" / "comment.html"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates]}]
    try:
        page.write_text("<li>{{ comment }}</li>")
        page_cache.templates_release.cache_clear()
        before = page_cache.templates_release()
        assert page_cache.templates_release() == before  # taken once per process
        page.write_text("<li class='new'>{{ comment }}</li>")
        page_cache.templates_release.cache_clear()  # what a restart after a deployment does
        assert page_cache.templates_release() != before
    finally:
        page_cache.templates_release.cache_clear()


def test_links_from_campaigns_and_social_sites_share_the_cached_page(client, section):
    """Every Facebook or Google click carries its own fbclid/gclid: those visits must be
    served the page everyone else gets, not each render it again."""
    article = make_article(section=section, headline="Shared story")
    url = article.get_absolute_url()
    assert client.get(url)["X-Cache"] == "MISS"
    for query in ("?fbclid=IwAR0abc", "?utm_source=twitter&utm_medium=social", "?gclid=x&_ga=1"):
        response = client.get(url + query)
        assert response["X-Cache"] == "HIT", query
        assert b"Shared story" in response.content
    django = FakeDjango()
    wsgi_get(page_cache.PageCacheApp(django), url + "?fbclid=IwAR0def")
    assert django.calls == []  # answered by the WSGI front, as the plain address would be


def test_tracking_parameters_never_reach_the_links_of_a_shared_page(client, section, monkeypatch):
    monkeypatch.setattr(ArticleListMixin, "paginate_by", 2)
    for n in range(5):
        make_article(section=section, headline=f"Story {n}")
    response = client.get(section.get_absolute_url() + "?page=2&fbclid=ABC&utm_campaign=x")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'rel="next" href="?page=3"' in html
    assert "fbclid" not in html and "utm_campaign" not in html
    # A search keeps its own words; only the analytics parameters go.
    html = client.get("/search/?q=story&utm_source=newsletter").content.decode()
    assert 'value="story"' in html and "utm_source" not in html


def test_only_analytics_parameters_are_dropped_from_the_query_string():
    assert page_cache.without_tracking("q=a+b&utm_source=x&page=2") == "q=a+b&page=2"
    assert page_cache.without_tracking("fbclid=1") == ""
    assert page_cache.without_tracking("q=%E2%9C%93&gclid=2") == "q=%E2%9C%93"
    assert page_cache.without_tracking("utmost=1&q") == "utmost=1&q"


def test_rendered_fragments_are_reused_in_process_until_they_run_out(monkeypatch):
    store = page_cache.RenderedCache()
    renders = []

    def render():
        renders.append(1)
        return f"<p>render {len(renders)}</p>"

    assert store.get_or_render("k", render, 60) == "<p>render 1</p>"
    round_trips = []
    monkeypatch.setattr(cache, "get", lambda *a, **k: round_trips.append(a) or None)
    assert store.get_or_render("k", render, 60) == "<p>render 1</p>"
    assert round_trips == [] and len(renders) == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert store.get_or_render("k", render, 60) == "<p>render 2</p>"


def test_a_local_fragment_is_kept_by_its_process_only(monkeypatch):
    """Cards are cheaper to render than to fetch and store: each process keeps its own,
    with no round trip to the shared cache, and renders its own the first time."""
    round_trips = []
    monkeypatch.setattr(cache, "get", lambda *a, **k: round_trips.append("get"))
    monkeypatch.setattr(cache, "set", lambda *a, **k: round_trips.append("set"))
    one, other = page_cache.RenderedCache(), page_cache.RenderedCache()
    assert one.get_or_render("card", lambda: "<p>1</p>", 60, shared=False) == "<p>1</p>"
    assert one.get_or_render("card", lambda: "<p>2</p>", 60, shared=False) == "<p>1</p>"
    assert other.get_or_render("card", lambda: "<p>3</p>", 60, shared=False) == "<p>3</p>"
    assert round_trips == []


def test_the_in_process_copy_of_rendered_fragments_is_bounded(monkeypatch):
    store = page_cache.RenderedCache()
    monkeypatch.setattr(page_cache.RenderedCache, "MAX_BYTES", 8000)
    for n in range(20):
        store.get_or_render(f"k{n}", lambda: "x" * 900, 60)
    assert store._bytes <= 8000
    assert "k19" in store._local and "k0" not in store._local  # the oldest went first
    store.get_or_render("big", lambda: "x" * 5000, 60)  # over an eighth: shared cache only
    assert "big" not in store._local


def test_a_new_process_with_new_templates_does_not_reuse_old_shared_fragments(monkeypatch):
    monkeypatch.setattr(page_cache.fragments, "templates_release", lambda: "old")
    assert page_cache.RenderedCache().get_or_render("k", lambda: "old markup", 60) == "old markup"
    assert page_cache.RenderedCache().get_or_render("k", lambda: "new", 60) == "old markup"
    # After a deployment:
    monkeypatch.setattr(page_cache.fragments, "templates_release", lambda: "new")
    assert page_cache.RenderedCache().get_or_render("k", lambda: "new markup", 60) == "new markup"
