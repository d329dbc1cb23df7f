"""Who else has an article open: shown on the form, refreshed by a poll kept in the cache,
taken over by an editor, gone soon after a tab closes."""

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.desk import presence
from articles.models import Article

from .conftest import _staff, make_article
from .test_admin import change_url

pytestmark = pytest.mark.django_db


def url(name, article):
    return reverse(f"admin:articles_article_desk_{name.replace('-', '_')}", args=[article.pk])


@pytest.fixture
def rita(django_user_model):
    user = _staff(django_user_model, "rita", "Reporter")
    user.first_name = "Rita"
    user.save()
    return user


@pytest.fixture
def erin(django_user_model):
    user = _staff(django_user_model, "erin", "Editor")
    user.first_name = "Erin"
    user.save()
    return user


@pytest.fixture
def draft(rita):
    return make_article(status=Article.Status.DRAFT, created_by=rita, headline="Port reopens")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_second_person_in_sees_who_is_editing(draft, rita, erin):
    logged_in(rita).get(change_url(draft))
    page = logged_in(erin).get(change_url(draft)).content.decode()
    assert "Rita is editing this article" in page
    assert "Take over" in page


def test_the_first_person_learns_of_the_second_on_the_next_poll(draft, rita, erin):
    first = logged_in(rita)
    first.get(change_url(draft))
    logged_in(erin).get(change_url(draft))
    state = first.post(url("presence", draft)).json()
    assert state["you_hold"] is True
    assert [person["name"] for person in state["others"]] == ["Erin"]


def test_the_poll_reads_no_article_row_once_access_is_known(draft, rita):
    client = logged_in(rita)
    client.post(url("presence", draft))
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url("presence", draft)).status_code == 200
    assert not [q for q in queries if "articles_article" in q["sql"]]


def test_an_editor_takes_over_and_the_reporter_is_told_once(draft, rita, erin):
    reporter = logged_in(rita)
    reporter.get(change_url(draft))
    editor = logged_in(erin)
    editor.get(change_url(draft))
    state = editor.post(url("take-over", draft)).json()
    assert state["you_hold"] is True
    note = reporter.post(url("presence", draft)).json()
    assert note["note"]["taken_over_by"] == "Erin"
    assert note["holder"]["name"] == "Erin"
    assert reporter.post(url("presence", draft)).json()["note"] is None


def test_a_reporter_cannot_take_over(rita, erin):
    article = make_article(status=Article.Status.DRAFT, created_by=rita)
    logged_in(erin).get(change_url(article))
    response = logged_in(rita).post(url("take-over", article))
    assert response.status_code == 403
    assert presence.beat(article.pk, erin).you_hold is True


def test_closing_the_tab_leaves_at_once(draft, rita, erin):
    reporter = logged_in(rita)
    reporter.get(change_url(draft))
    editor = logged_in(erin)
    editor.get(change_url(draft))
    reporter.post(url("leave", draft))
    state = editor.post(url("presence", draft)).json()
    assert state["others"] == [] and state["you_hold"] is True


def test_a_tab_that_stops_asking_is_gone_after_a_few_missed_polls(draft, rita, erin):
    now = time.time()
    presence.beat(draft.pk, rita, now=now)
    assert presence.beat(draft.pk, erin, now=now + 1).holder.name == "Rita"
    later = presence.beat(draft.pk, erin, now=now + presence.STALE_SECONDS + 2)
    assert later.others == [] and later.you_hold is True


def test_a_colleagues_draft_is_not_found_by_the_poll(django_user_model, draft):
    colleague = _staff(django_user_model, "colleague", "Reporter")
    client = logged_in(colleague)
    for name in ("presence", "leave", "take-over"):
        assert client.post(url(name, draft)).status_code == 404


@pytest.mark.parametrize("bad", ["abc", "1%00", "9" * 40])
def test_nonsense_ids_are_a_404(erin, bad):
    client = logged_in(erin)
    response = client.post(f"/admin/articles/article/{bad}/desk/presence/")
    assert response.status_code == 404


def test_the_poll_only_answers_posts(draft, rita):
    assert logged_in(rita).get(url("presence", draft)).status_code == 405


def test_sending_a_piece_for_review_leaves_it_at_once(draft, rita, erin):
    """The reporter may no longer change it: colleagues saw them "editing" it for minutes."""
    from .test_desk_conflicts import form_for

    reporter = logged_in(rita)
    version = reporter.get(change_url(draft)).context["adminform"].form["desk_version"].value()
    editor = logged_in(erin)
    editor.get(change_url(draft))
    sent = reporter.post(change_url(draft), form_for(draft, status="review", desk_version=version))
    assert sent.status_code == 302
    state = editor.post(url("presence", draft)).json()
    assert state["others"] == [] and state["you_hold"] is True
    assert reporter.post(url("presence", draft)).status_code == 404  # no longer theirs
