"""Live coverage on two app processes sharing one PostgreSQL and one Redis: an entry posted
through one shows on the next poll through the other (run as tests/test_scale_out.py is)."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import LiveEntry

from .conftest import make_article, make_section
from .test_scale_out import instances, log_in, make_editor, request  # noqa: F401 (fixture)

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_entry_posted_through_one_process_shows_on_the_next_poll_through_the_other(
    instances,  # noqa: F811
    django_user_model,
):
    a, b = instances
    article = make_article(
        section=make_section(), headline="Election night", live_from=timezone.now()
    )
    first = LiveEntry.objects.create(article=article, body="<p>Polls close.</p>")
    poll = f"{reverse('articles:live_updates', args=[article.pk])}?after={first.pk}"
    request(b, "GET", poll)
    response, body = request(b, "GET", poll)
    assert response.headers["X-Cache"] == "HIT"
    assert json.loads(body)["new"] == 0

    make_editor(django_user_model, "a-long-editor-password")
    cookies = log_in(a, "desk-editor", "a-long-editor-password")
    response, body = request(
        a,
        "POST",
        reverse("admin:articles_liveentry_desk", args=[article.pk]),
        form={"csrfmiddlewaretoken": cookies["csrftoken"], "headline": "First results"},
        cookies=cookies,
        headers={"Accept": "application/json"},
    )
    assert response.status == 201
    posted = json.loads(body)["id"]

    response, body = request(b, "GET", poll)
    assert response.headers["X-Cache"] == "MISS"
    assert json.loads(body) | {"state": "live"} == json.loads(body)
    assert (json.loads(body)["new"], json.loads(body)["latest"]) == (1, posted)
    _response, page = request(b, "GET", article.get_absolute_url())
    assert b"First results" in page
