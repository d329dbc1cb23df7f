"""The shipped varnish.vcl in front of the app: pages are kept by Varnish, and a change
purges exactly the pages showing what it touched (their Surrogate-Key), through the app's
purger (newsroom.cache.purgers.Varnish), nothing else.

A real varnishd on a free loopback port in front of the test's live server (Debian's
varnish and varnish-modules, for xkey).
"""

import gzip
import http.client
from urllib.parse import urlsplit

import pytest

from articles.models import Article
from comments import moderation, receipts
from comments.models import Comment
from newsroom.cache import purgers

from .conftest import make_article, make_section
from .processes import HOST, Varnish, free_port

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def varnish(live_server, settings):
    if not Varnish.available():
        pytest.fail("varnishd is not installed (apt-get install varnish varnish-modules).")
    front = Varnish(free_port(), urlsplit(live_server.url).port).start()
    settings.NEWSROOM_CACHE_PURGERS = [
        {"BACKEND": "newsroom.cache.purgers.Varnish", "URLS": [front.url + "/"]}
    ]
    settings.NEWSROOM_PURGE_REPEAT_SECONDS = 0
    try:
        yield front
    finally:
        front.stop()


def get(front, path, source=HOST, method="GET", headers=None):
    connection = http.client.HTTPConnection(
        HOST, front.port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def hit(front, path, **kwargs):
    """Did Varnish answer from its copy? (X-Varnish names two requests on a hit.)"""
    _status, headers, _body = get(front, path, **kwargs)
    return len(headers["X-Varnish"].split()) == 2 and headers["X-Front-Cache"] == "HIT"


def warm(front, *paths):
    for path in paths:
        get(front, path)
        assert hit(front, path), path


@pytest.fixture
def stories():
    section = make_section(name="Middle East", slug="middle-east")
    story = make_article(section=section, headline="Busy story")
    sport = make_section(name="Sport", slug="sport")
    unrelated = make_article(section=sport, headline="Unrelated story")
    return section, story, sport, unrelated


def test_varnish_keeps_a_page_and_hides_the_keys(varnish, stories):
    _section, story, _sport, _unrelated = stories
    status, headers, body = get(varnish, story.get_absolute_url())
    assert status == 200 and "Busy story" in body
    assert "Surrogate-Key" not in headers and "xkey" not in headers
    status, headers, _body = get(varnish, story.get_absolute_url())
    assert headers["X-Front-Cache"] == "HIT" and len(headers["X-Varnish"].split()) == 2
    assert "Age" in headers
    assert "Surrogate-Key" not in headers and "xkey" not in headers
    # The app's own cache answer to Varnish's fetch is not passed on as the reader's.
    assert "X-Cache" not in headers


def test_varnish_sends_its_copy_compressed_to_a_browser_that_accepts_it(varnish, stories):
    _section, story, _sport, _unrelated = stories
    url = story.get_absolute_url()
    warm(varnish, url)
    connection = http.client.HTTPConnection(HOST, varnish.port, timeout=10)
    try:
        connection.request("GET", url, headers={"Accept-Encoding": "gzip, deflate, br"})
        response = connection.getresponse()
        compressed = response.read()
        assert response.getheader("Content-Encoding") == "gzip"
        assert response.getheader("X-Front-Cache") == "HIT"
    finally:
        connection.close()
    page = gzip.decompress(compressed).decode()
    assert "Busy story" in page and len(compressed) < len(page.encode()) / 3
    status, headers, body = get(varnish, url)  # no Accept-Encoding: the page as it is
    assert status == 200 and "Content-Encoding" not in headers and body == page


def test_an_approved_comment_purges_its_article_and_counts_not_the_rest(varnish, stories):
    section, story, sport, unrelated = stories
    comment = Comment.objects.create(
        article=story, name="Reader", email="r@example.com", body="Well said"
    )
    others = ["/", unrelated.get_absolute_url(), sport.get_absolute_url()]
    warm(varnish, story.get_absolute_url(), section.get_absolute_url(), *others)
    moderation.approve(comment)
    purgers.wait()
    _status, headers, body = get(varnish, story.get_absolute_url())
    assert headers["X-Front-Cache"] == "MISS" and "Well said" in body
    _status, headers, body = get(varnish, section.get_absolute_url())
    assert headers["X-Front-Cache"] == "MISS" and "1 Comment" in body
    for path in others:
        assert hit(varnish, path), path


def test_publishing_purges_the_home_page_and_its_lists_not_unrelated_articles(varnish, stories):
    section, story, _sport, unrelated = stories
    draft = make_article(section=section, headline="Breaking story", status=Article.Status.DRAFT)
    warm(varnish, "/", section.get_absolute_url(), story.get_absolute_url())
    warm(varnish, unrelated.get_absolute_url())
    draft.status = Article.Status.PUBLISHED
    draft.save()
    purgers.wait()
    for path in ("/", section.get_absolute_url(), story.get_absolute_url()):  # its neighbour
        _status, headers, body = get(varnish, path)
        assert headers["X-Front-Cache"] == "MISS" and "Breaking story" in body, path
    assert hit(varnish, unrelated.get_absolute_url())


def test_an_unpublished_story_is_gone_from_varnish_at_once(varnish, stories):
    section, story, _sport, _unrelated = stories
    warm(varnish, story.get_absolute_url(), "/", section.get_absolute_url())
    story.status = Article.Status.DRAFT
    story.save()
    purgers.wait()
    assert get(varnish, story.get_absolute_url())[0] == 404
    for path in ("/", section.get_absolute_url()):
        assert "Busy story" not in get(varnish, path)[2], path


def test_editors_and_private_answers_pass_through(varnish, stories):
    _section, story, _sport, _unrelated = stories
    url = story.get_absolute_url()
    warm(varnish, url)
    assert not hit(varnish, url, headers={"Cookie": "sessionid=abc"})
    private = f"{url}?{receipts.PARAM}=not-a-receipt"
    get(varnish, private)
    assert not hit(varnish, private)


def test_only_allowed_addresses_may_purge(varnish, stories):
    _section, story, _sport, _unrelated = stories
    url = story.get_absolute_url()
    warm(varnish, url)
    purge = {"xkey-purge": f"article:{story.pk}"}
    assert get(varnish, "/", source="127.0.0.2", method="PURGE", headers=purge)[0] == 403
    assert hit(varnish, url)
    assert get(varnish, "/", method="PURGE", headers=purge)[0] == 200
    assert not hit(varnish, url)
