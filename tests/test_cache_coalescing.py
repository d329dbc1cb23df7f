"""Request coalescing: when many readers ask for a page nobody has cached (a breaking story),
one request renders it while the others wait for that render, instead of each rendering."""

import threading
import time
import urllib.request

import pytest

from articles import page_data
from newsroom import cache as page_cache

from .conftest import make_article

# serialized_rollback: a later serialized test finds the content types and groups it expects.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

READERS = 8


def test_simultaneous_misses_for_one_page_make_one_render(live_server, monkeypatch):
    make_article(headline="Breaking story")
    front_page = page_data.front_page

    def slow_front_page():
        time.sleep(0.5)  # every reader arrives while the first render is under way
        return front_page()

    monkeypatch.setattr(page_data, "front_page", slow_front_page)
    before = page_cache.renders()
    answers, start = [], threading.Barrier(READERS)

    def read():
        start.wait()
        with urllib.request.urlopen(live_server.url + "/", timeout=20) as response:
            answers.append((response.headers["X-Cache"], response.read().decode()))

    readers = [threading.Thread(target=read) for _ in range(READERS)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(30)
    assert len(answers) == READERS
    assert all("Breaking story" in body for _state, body in answers)
    assert page_cache.renders() - before == 1
    assert sorted(state for state, _body in answers) == ["HIT"] * (READERS - 1) + ["MISS"]


def test_a_waiting_request_renders_itself_when_the_render_it_waits_for_gives_up(
    client, settings, monkeypatch
):
    """A render that ends without storing a page (or takes too long) holds nobody up for
    more than NEWSROOM_COALESCE_SECONDS."""
    settings.NEWSROOM_COALESCE_SECONDS = 0.2
    make_article(headline="Story")
    from django.core.cache import cache
    from django.test import RequestFactory

    key = page_cache.page_key(RequestFactory().get("/"))
    cache.add(f"{key}:rendering", 1, 30)  # another process rendering, and it hangs
    began = time.monotonic()
    response = client.get("/")
    assert response.status_code == 200 and b"Story" in response.content
    assert time.monotonic() - began < 2
