"""Pages are kept compressed, once, when rendered, and sent compressed to every client that
accepts gzip; a client that does not gets the very same page uncompressed."""

import gzip

import pytest

from newsroom import cache as page_cache
from newsroom.cache.middleware import accepts_gzip

from .conftest import make_article
from .test_cache import FakeDjango, wsgi_get

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}


@pytest.fixture
def story(section):
    return make_article(section=section, headline="Compressed story", body="<p>Words</p>" * 200)


def test_a_browser_gets_the_page_compressed_when_rendered_and_from_the_cache(client, story):
    url = story.get_absolute_url()
    plain = client.get(url)  # rendered and kept; this client asked for no compression
    assert plain["X-Cache"] == "MISS" and not plain.has_header("Content-Encoding")
    page = plain.content
    assert b"Compressed story" in page and int(plain["Content-Length"]) == len(page)
    for expected in ("HIT", "HIT"):  # through Django's middleware, then as PageCacheApp
        response = client.get(url, **BROWSER)
        assert response["X-Cache"] == expected
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == page
        assert len(response.content) < len(page) / 3
        assert int(response["Content-Length"]) == len(response.content)
    django = FakeDjango()
    status, headers, body = wsgi_get(page_cache.PageCacheApp(django), url, **BROWSER)
    assert django.calls == [] and status == "200 OK" and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == page and headers["Content-Length"] == str(len(body))
    assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in headers["Vary"].split(",")}


def test_the_first_reader_with_a_browser_gets_the_rendered_page_compressed(client, story):
    url = story.get_absolute_url()
    first = client.get(url, **BROWSER)
    assert first["X-Cache"] == "MISS" and first["Content-Encoding"] == "gzip"
    assert int(first["Content-Length"]) == len(first.content)
    again = client.get(url)
    assert again["X-Cache"] == "HIT" and not again.has_header("Content-Encoding")
    assert gzip.decompress(first.content) == again.content
    for name in ("ETag", "Vary", "Content-Type", "Last-Modified"):
        assert first[name] == again[name], name


@pytest.mark.parametrize("accept_encoding", [None, "identity", "gzip;q=0", "br", "*;q=0"])
def test_a_client_that_does_not_accept_gzip_gets_the_page_as_it_is(client, story, accept_encoding):
    url = story.get_absolute_url()
    client.get(url, **BROWSER)  # kept compressed
    headers = {} if accept_encoding is None else {"HTTP_ACCEPT_ENCODING": accept_encoding}
    response = client.get(url, **headers)
    assert response["X-Cache"] == "HIT" and not response.has_header("Content-Encoding")
    assert b"Compressed story" in response.content
    assert int(response["Content-Length"]) == len(response.content)
    django = FakeDjango()
    _status, wsgi_headers, body = wsgi_get(page_cache.PageCacheApp(django), url, **headers)
    assert django.calls == []
    assert "Content-Encoding" not in wsgi_headers and body == response.content


def test_one_validator_serves_both_forms_of_the_page(client, story):
    url = story.get_absolute_url()
    compressed = client.get(url, **BROWSER)
    etag = compressed["ETag"]
    assert etag.startswith('W/"')  # a compressed copy's validator is weak
    assert client.get(url)["ETag"] == etag
    for headers in (BROWSER, {}):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag, **headers).status_code == 304


def test_small_answers_and_files_are_not_compressed(client, story):
    client.get("/robots.txt", **BROWSER)
    robots = client.get("/robots.txt", **BROWSER)
    assert robots.status_code == 200 and not robots.has_header("Content-Encoding")
    moved = client.get(story.get_absolute_url().rstrip("/"), **BROWSER)
    assert moved.status_code == 301 and not moved.has_header("Content-Encoding")


def test_feeds_are_kept_compressed_too(client, story):
    for n in range(10):
        make_article(section=story.section, headline=f"Story {n}")
    plain = client.get("/feed/")
    assert plain["Content-Type"].startswith("application/rss+xml")
    feed = client.get("/feed/", **BROWSER)
    assert feed["X-Cache"] == "HIT" and feed["Content-Encoding"] == "gzip"
    assert gzip.decompress(feed.content) == plain.content


@pytest.mark.parametrize(
    "header, accepted",
    [
        ("gzip, deflate, br", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("gzip;q=0.5", True),
        ("*", True),
        ("*;q=0, gzip", True),
        ("", False),
        ("identity", False),
        ("deflate, br", False),
        ("gzip;q=0", False),
        ("gzip; q=0.0", False),
        ("*;q=0", False),
        ("br;q=1, *;q=0", False),
        ("gzip;q=0, *", False),
        ("*, gzip;q=0", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_what_counts_as_accepting_gzip(header, accepted):
    assert accepts_gzip(header) is accepted
