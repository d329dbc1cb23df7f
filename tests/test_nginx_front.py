"""The shipped nginx.conf in front of a real gunicorn: client addresses are told apart
behind the proxy, and a forwarding header sent straight to gunicorn is ignored.

Run with DATABASE_URL=postgres://… and REDIS_URL=redis://… (.ci/run does, in its PostgreSQL
step). Clients bind their sockets to 127.0.0.2, 127.0.0.3, … so each has its own address.
"""

import gzip
import http.client
import os
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from .conftest import make_article, make_section
from .processes import Gunicorn, Nginx, free_port, newsroom_site, shared_services_env
from .test_comments import comment_data

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="module")
def front(django_db_setup, tmp_path_factory):
    """gunicorn (two workers, the production settings) behind our own nginx, both on
    free loopback ports; stopped by PID when the module is done."""
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.fail("Run with DATABASE_URL=postgres://… and REDIS_URL=redis://… (as .ci/run).")
    if not Nginx.available():
        pytest.fail("nginx is not installed (apt-get install nginx).")
    static_root = tmp_path_factory.mktemp("static")
    # The test process signs the comment forms' tokens: the same key.
    env = shared_services_env(
        static_root,
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        COMMENT_RATE_LIMIT="1",
    )
    app = Gunicorn(free_port(), env, workers=2, log_dir=tmp_path_factory.mktemp("logs"))
    app.start()
    try:
        port = free_port()
        # nginx creates the cache folder itself, owned by its unprivileged worker user, in a
        # folder that user can enter (pytest's own are private to root).
        cache_parent = Path(tempfile.mkdtemp(prefix="newsroom-nginx-cache-"))
        cache_parent.chmod(0o755)
        nginx = Nginx(
            port, newsroom_site(port, app.port, cache_parent / "pages", static_root=static_root)
        )
        try:
            nginx.start()
            yield app, nginx
        finally:
            nginx.stop()
            shutil.rmtree(cache_parent, ignore_errors=True)
    finally:
        app.stop()


def post_comment(port, article, source, body, headers=None):
    """POST one comment from the loopback address `source`; return the status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15, source_address=(source, 0))
    try:
        conn.request(
            "POST",
            reverse("comments:post", args=[article.pk]),
            body=urlencode(comment_data(body=body)),
            headers={
                "Host": "127.0.0.1",
                "Content-Type": "application/x-www-form-urlencoded",
                **(headers or {}),
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_readers_at_two_addresses_are_rate_limited_separately_through_nginx(front):
    _app, nginx = front
    article = make_article(section=make_section())
    assert post_comment(nginx.port, article, "127.0.0.2", "First from two.") == 303
    assert post_comment(nginx.port, article, "127.0.0.3", "First from three.") == 303
    assert post_comment(nginx.port, article, "127.0.0.2", "Second from two.") == 429


def test_a_forwarding_header_a_reader_sends_through_nginx_changes_nothing(front):
    _app, nginx = front
    article = make_article(section=make_section())
    assert post_comment(nginx.port, article, "127.0.0.4", "One.") == 303
    forged = {"X-Forwarded-For": "198.51.100.7"}
    assert post_comment(nginx.port, article, "127.0.0.4", "Two.", forged) == 429


def test_a_forwarding_header_sent_straight_to_gunicorn_is_ignored(front):
    app, _nginx = front
    article = make_article(section=make_section())
    first = {"X-Forwarded-For": "198.51.100.1"}
    second = {"X-Forwarded-For": "198.51.100.2"}
    assert post_comment(app.port, article, "127.0.0.5", "One.", first) == 303
    assert post_comment(app.port, article, "127.0.0.5", "Two.", second) == 429


def fetch(port, path, **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def test_a_story_published_shows_through_nginx_two_seconds_later(front):
    _app, nginx = front
    section = make_section()
    fetch(nginx.port, "/")
    cached, home = fetch(nginx.port, "/")
    assert cached.headers["X-Micro-Cache"] == "HIT"
    make_article(section=section, headline="Published behind the micro-cache")
    # nginx counts whole seconds: a copy lives until the end of the second after the one it
    # was fetched in, one to two seconds.
    time.sleep(2.1)
    response, home = fetch(nginx.port, "/")
    assert response.headers["X-Micro-Cache"] != "STALE"
    assert b"Published behind the micro-cache" in home


def test_nginx_passes_the_compressed_page_to_browsers_and_the_plain_one_to_others(front):
    """The app keeps pages compressed; nginx's micro-cache keeps each form apart (Vary), so
    a client that does not accept gzip is never sent the compressed copy a browser got."""
    _app, nginx = front
    article = make_article(section=make_section(), headline="Both forms", body="<p>x</p>" * 300)
    path = article.get_absolute_url()
    browser = {"Accept-Encoding": "gzip, deflate, br"}
    for _ in range(2):  # the second from nginx's micro-cache
        response, compressed = fetch(nginx.port, path, **browser)
        assert response.status == 200 and response.headers["Content-Encoding"] == "gzip"
    page = gzip.decompress(compressed)
    assert b"Both forms" in page and len(compressed) < len(page) / 3
    response, plain = fetch(nginx.port, path)
    assert response.status == 200 and "Content-Encoding" not in response.headers
    assert plain == page
    response, compressed_again = fetch(nginx.port, path, **browser)
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed_again) == page
