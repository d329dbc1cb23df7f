"""Purging front caches by key: Varnish, Cloudflare and Fastly calls, against a local stub
server standing in for each API; a failed purge is retried and never fails the save."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import Article
from comments import moderation
from comments.models import Comment
from newsroom.cache import purgers, renew

from .conftest import make_article

pytestmark = pytest.mark.django_db


class Stub:
    """An HTTP server on 127.0.0.1 that records each request and answers ``statuses`` in
    turn (then 200)."""

    def __init__(self, statuses=()):
        self.requests = []
        self.statuses = list(statuses)
        self.answers = []  # bodies answered in turn (then a success)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append((self.command, self.path, self.headers, body))
                status = stub.statuses.pop(0) if stub.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(stub.answers.pop(0) if stub.answers else b'{"success": true}')

            do_POST = do_PURGE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    server = Stub()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _quick(settings, monkeypatch):
    settings.NEWSROOM_PURGE_REPEAT_SECONDS = 0
    monkeypatch.setattr(purgers, "RETRY_DELAYS", (0.01, 0.02))


def approve_a_comment(capture, stub=None, statuses=()):
    with capture(execute=True):  # the article's own purge, before the one under test
        article = make_article()
        comment = Comment.objects.create(
            article=article, name="Reader", email="r@example.com", body="Well said"
        )
    purgers.wait()
    if stub is not None:
        stub.requests.clear()
        stub.statuses = list(statuses)
    with capture(execute=True):
        moderation.approve(comment)
    purgers.wait()
    return article


def test_cloudflare_is_sent_the_tags_of_a_change_with_the_token(
    stub, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_CACHE_PURGERS = [
        {
            "BACKEND": "newsroom.cache.purgers.Cloudflare",
            "ZONE_ID": "zone1",
            "API_TOKEN": "secret-token",
            "API": f"{stub.url}/client/v4",
        }
    ]
    article = approve_a_comment(django_capture_on_commit_callbacks, stub)
    (method, path, headers, body), *_ = stub.requests
    assert (method, path) == ("POST", "/client/v4/zones/zone1/purge_cache")
    assert headers["Authorization"] == "Bearer secret-token"
    assert json.loads(body) == {"tags": [f"comments:{article.pk}"]}


def test_cloudflare_is_sent_thirty_tags_a_call(stub, settings, django_capture_on_commit_callbacks):
    settings.NEWSROOM_CACHE_PURGERS = [
        {
            "BACKEND": "newsroom.cache.purgers.Cloudflare",
            "ZONE_ID": "z",
            "API_TOKEN": "t",
            "API": stub.url,
        }
    ]
    with django_capture_on_commit_callbacks(execute=True):
        renew(*(f"article:{n}" for n in range(31)))
    purgers.wait()
    assert [len(json.loads(body)["tags"]) for *_, body in stub.requests] == [30, 1]


def test_a_cloudflare_answer_that_says_it_did_not_purge_is_tried_again(
    stub, settings, django_capture_on_commit_callbacks, caplog
):
    settings.NEWSROOM_CACHE_PURGERS = [
        {
            "BACKEND": "newsroom.cache.purgers.Cloudflare",
            "ZONE_ID": "z",
            "API_TOKEN": "t",
            "API": stub.url,
        }
    ]
    stub.answers = [b'{"success": false, "errors": [{"code": 1134, "message": "no"}]}', b"<html>"]
    with caplog.at_level(logging.WARNING, logger="newsroom.cache.purgers"):
        with django_capture_on_commit_callbacks(execute=True):
            renew("article:5")
        purgers.wait()
    assert len(stub.requests) == 3  # refused, an answer that is not the API's, then done
    retried = [r.getMessage() for r in caplog.records if "trying again" in r.getMessage()]
    assert len(retried) == 2 and "1134" in retried[0]


def test_fastly_is_sent_the_surrogate_keys_of_a_change(
    stub, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_CACHE_PURGERS = [
        {
            "BACKEND": "newsroom.cache.purgers.Fastly",
            "SERVICE_ID": "svc9",
            "API_TOKEN": "fastly-token",
            "API": stub.url,
        }
    ]
    article = approve_a_comment(django_capture_on_commit_callbacks, stub)
    (method, path, headers, _body), *_ = stub.requests
    assert (method, path) == ("POST", "/service/svc9/purge")
    assert headers["Fastly-Key"] == "fastly-token"
    assert headers["Surrogate-Key"] == f"comments:{article.pk}"


def test_varnish_is_sent_a_purge_of_the_keys(stub, settings, django_capture_on_commit_callbacks):
    settings.NEWSROOM_CACHE_PURGERS = [
        {"BACKEND": "newsroom.cache.purgers.Varnish", "URLS": [stub.url + "/"]}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        renew("listing:home", "article:7")
    purgers.wait()
    assert [(m, h["xkey-purge"]) for m, _p, h, _b in stub.requests] == [
        ("PURGE", "article:7 listing:home")
    ]


def test_nothing_is_purged_before_the_change_commits(stub, settings):
    settings.NEWSROOM_CACHE_PURGERS = [
        {"BACKEND": "newsroom.cache.purgers.Varnish", "URLS": [stub.url + "/"]}
    ]
    renew("article:7")  # the test's transaction never commits
    purgers.wait()
    assert stub.requests == []


def test_a_failed_purge_is_logged_and_tried_again(
    settings, caplog, django_capture_on_commit_callbacks
):
    failing = Stub()
    try:
        settings.NEWSROOM_CACHE_PURGERS = [
            {"BACKEND": "newsroom.cache.purgers.Varnish", "URLS": [failing.url + "/"]}
        ]
        with caplog.at_level(logging.WARNING, "newsroom.cache.purgers"):
            approve_a_comment(django_capture_on_commit_callbacks, failing, statuses=(500, 503))
        assert len(failing.requests) == 3  # two failures, then it went through
        assert len([r for r in caplog.records if "trying again" in r.getMessage()]) == 2
    finally:
        failing.close()


def test_an_unreachable_front_cache_never_fails_the_save(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_CACHE_PURGERS = [
        {"BACKEND": "newsroom.cache.purgers.Varnish", "URLS": ["http://127.0.0.1:1/"]}
    ]
    with caplog.at_level(logging.ERROR, "newsroom.cache.purgers"):
        article = approve_a_comment(django_capture_on_commit_callbacks)
    assert article.comments.approved().count() == 1
    assert any("given up" in r.getMessage() for r in caplog.records)


def test_every_purge_is_sent_once_more_after_a_while(
    stub, settings, django_capture_on_commit_callbacks
):
    """For a page the front cache was fetching while the change committed."""
    settings.NEWSROOM_PURGE_REPEAT_SECONDS = 0.05
    settings.NEWSROOM_CACHE_PURGERS = [
        {"BACKEND": "newsroom.cache.purgers.Varnish", "URLS": [stub.url + "/"]}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        renew("article:7")
    purgers.wait()
    assert len(stub.requests) == 2


def test_purgers_come_from_the_environment(monkeypatch):
    import importlib

    from newsroom import settings as site_settings

    monkeypatch.setenv("VARNISH_PURGE_URLS", "http://10.0.0.5:6081/,http://10.0.0.6:6081/")
    monkeypatch.setenv("CLOUDFLARE_ZONE_ID", "zone")
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "token")
    monkeypatch.setenv("FASTLY_SERVICE_ID", "service")
    monkeypatch.setenv("FASTLY_API_TOKEN", "key")
    monkeypatch.setenv("SURROGATE_KEY_HEADER", "Surrogate-Key, Cache-Tag")
    try:
        fresh = importlib.reload(site_settings)
        assert fresh.NEWSROOM_SURROGATE_KEY_HEADERS == ["Surrogate-Key", "Cache-Tag"]
        backends = [p["BACKEND"].rsplit(".", 1)[1] for p in fresh.NEWSROOM_CACHE_PURGERS]
        assert backends == ["Varnish", "Cloudflare", "Fastly"]
        assert fresh.NEWSROOM_CACHE_PURGERS[0]["URLS"][1] == "http://10.0.0.6:6081/"
    finally:
        monkeypatch.undo()
        importlib.reload(site_settings)


def test_a_leaving_gunicorn_worker_finishes_its_purges_first(monkeypatch):
    import runpy

    from .processes import GUNICORN_CONFIG

    waited = []
    monkeypatch.setattr(purgers, "wait", lambda timeout: waited.append(timeout))
    runpy.run_path(str(GUNICORN_CONFIG))["worker_exit"](server=None, worker=None)
    assert waited == [10]


def test_a_change_made_by_a_process_that_then_ends_is_purged_before_it_goes(stub, tmp_path):
    """`manage.py shell`, an import or a script: its purges ran in daemon threads, which
    ended with the process, and Varnish kept the old pages until they ran out."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import django; django.setup(); "
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from newsroom.cache import renew; renew('article:7', 'listing:home')"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "1",
        "VARNISH_PURGE_URLS": stub.url + "/",
        "PURGE_REPEAT_SECONDS": "0",
        "REDIS_URL": "",
        "NEWSROOM_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
    }
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", script], env=env, cwd=root, check=True, timeout=60)
    purges = [request for request in stub.requests if request[0] == "PURGE"]
    assert purges and set(purges[0][2]["xkey-purge"].split()) == {"article:7", "listing:home"}


def test_a_transactions_renewals_go_out_as_one_purge(
    stub, settings, django_capture_on_commit_callbacks
):
    """An admin save renews through several receivers (the article, its tags, its authors):
    one purge call after the commit, not one per receiver (CDN APIs count calls)."""
    settings.NEWSROOM_CACHE_PURGERS = [
        {"BACKEND": "newsroom.cache.purgers.Varnish", "URLS": [stub.url + "/"]}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        renew("article:7", "listing:home")
        renew("listing:tag:3")
        renew("article:7")
    purgers.wait()
    assert [h["xkey-purge"] for _m, _p, h, _b in stub.requests] == [
        "article:7 listing:home listing:tag:3"
    ]


@pytest.mark.parametrize(
    ("headers", "cache_tag"),
    [(["Surrogate-Key"], None), (["Surrogate-Key", "Cache-Tag"], ",")],
)
def test_pages_carry_their_keys_in_each_front_cache_s_header(client, settings, headers, cache_tag):
    """Cloudflare reads Cache-Tag (a comma-separated list), Varnish and Fastly Surrogate-Key:
    with Cloudflare in front of Varnish a page carries both, with the same keys."""
    settings.NEWSROOM_SURROGATE_KEY_HEADERS = headers
    article = make_article(headline="Keyed twice")
    for expected_cache in ("MISS", "HIT"):
        response = client.get(article.get_absolute_url())
        assert response["X-Cache"] == expected_cache
        keys = response["Surrogate-Key"].split(" ")
        assert f"article:{article.pk}" in keys
        if cache_tag is None:
            assert not response.has_header("Cache-Tag")
        else:
            assert response["Cache-Tag"].split(cache_tag) == keys


@pytest.mark.parametrize(
    ("backend", "headers", "warned"),
    [
        ("Cloudflare", ["Surrogate-Key"], True),
        ("Cloudflare", ["Surrogate-Key", "Cache-Tag"], False),
        ("Varnish", ["Cache-Tag"], True),
        ("Varnish", ["surrogate-key"], False),
        ("Fastly", ["Surrogate-Key"], False),
    ],
)
def test_a_front_cache_that_would_not_find_the_keys_on_the_pages_is_warned_about(
    settings, backend, headers, warned
):
    from django.core.checks import run_checks

    settings.NEWSROOM_SURROGATE_KEY_HEADERS = headers
    settings.NEWSROOM_CACHE_PURGERS = [{"BACKEND": f"newsroom.cache.purgers.{backend}"}]
    found = [message for message in run_checks() if message.id == "newsroom.W005"]
    assert bool(found) is warned
    if warned:
        assert backend in found[0].msg and "SURROGATE_KEY_HEADER" in found[0].hint


def test_a_purger_that_cannot_be_imported_is_an_error(settings):
    from django.core.checks import run_checks

    settings.NEWSROOM_CACHE_PURGERS = [{"BACKEND": "newsroom.cache.purgers.Akamai"}]
    found = [message for message in run_checks() if message.id == "newsroom.E002"]
    assert len(found) == 1 and "Akamai" in found[0].msg


@pytest.mark.parametrize(
    ("named", "missing"),
    [("CLOUDFLARE_ZONE_ID", "CLOUDFLARE_API_TOKEN"), ("FASTLY_SERVICE_ID", "FASTLY_API_TOKEN")],
)
def test_a_cdn_named_without_its_token_stops_the_start_with_a_clear_message(
    monkeypatch, named, missing
):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    from newsroom import settings as site_settings

    monkeypatch.setenv(named, "zone-or-service")
    monkeypatch.delenv(missing, raising=False)
    try:
        with pytest.raises(ImproperlyConfigured, match=f"{missing} is not set"):
            importlib.reload(site_settings)
    finally:
        monkeypatch.undo()
        importlib.reload(site_settings)


def test_a_purger_that_cannot_be_set_up_is_logged_and_never_fails_the_save(
    stub, settings, django_capture_on_commit_callbacks, caplog
):
    """A misnamed purger, or one given the wrong arguments, is the check's error at start;
    at work it is logged, the editor's save goes through and the other purgers purge."""
    settings.NEWSROOM_CACHE_PURGERS = [
        {"BACKEND": "newsroom.cache.purgers.Akamai"},
        {"BACKEND": "newsroom.cache.purgers.Fastly", "SERVICE": "misspelt"},
        {"BACKEND": "newsroom.cache.purgers.Varnish", "URLS": [stub.url + "/"]},
    ]
    with caplog.at_level(logging.ERROR, logger="newsroom.cache.purgers"):
        with django_capture_on_commit_callbacks(execute=True):
            article = make_article(headline="Saved all the same")
        purgers.wait()
    assert Article.objects.filter(pk=article.pk, headline="Saved all the same").exists()
    given_up = [r.getMessage() for r in caplog.records if r.name == "newsroom.cache.purgers"]
    assert len(given_up) == 2 and all(f"article:{article.pk}" in m for m in given_up)
    assert "Akamai" in given_up[0] and "Fastly" in given_up[1]
    assert stub.requests, "Varnish, set up well, was not purged"
    assert f"article:{article.pk}" in stub.requests[0][2]["xkey-purge"].split()
