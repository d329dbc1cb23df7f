"""Unpublish at: a story comes off every public surface at its time, by itself (no cron),
through the one publishing rule and the schedule the page cache follows."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.models import Article
from newsroom.cache import next_scheduled_publish

from .conftest import make_article, make_section
from .test_admin import change_url
from .test_desk_conflicts import form_for

pytestmark = pytest.mark.django_db

HEADLINE = "Embargoed zebra census"


@pytest.fixture
def story():
    section = make_section(name="Science", slug="science")
    now = timezone.now()
    article = make_article(
        section=section,
        headline=HEADLINE,
        slug="zebra-census",
        dek="Counting zebras.",
        body="<p>The zebra census found many zebras.</p>",
        tags=["zebras"],
        publish_at=now - timedelta(hours=2),
        unpublish_at=now + timedelta(hours=1),
    )
    return article


SURFACES = [
    "/",
    "/section/science/",
    "/tag/zebras/",
    "/search/?q=zebra",
    "/feed/",
    "/section/science/feed/",
    "/sitemap-articles.xml",
    "/sitemap-tags.xml",
    "/news-sitemap.xml",
]


def shows(client, path, text):
    response = client.get(path)
    return response.status_code == 200 and text in response.content.decode()


def test_a_story_comes_off_every_public_surface_at_its_unpublish_time(story):
    reader = Client()
    page = story.get_absolute_url()
    assert reader.get(page).status_code == 200  # fills the page cache
    for path in SURFACES:
        assert shows(reader, path, "zebra"), path
    with time_machine.travel(story.unpublish_at + timedelta(seconds=1)):
        assert reader.get(page).status_code == 404
        for path in SURFACES:
            assert not shows(reader, path, HEADLINE) and not shows(reader, path, "zebra-census"), (
                path
            )
        story.refresh_from_db()
        assert not story.is_published()
        assert story.status == Article.Status.PUBLISHED  # nothing was written: the rule decides


def test_the_page_cache_schedule_names_the_unpublish_time(story):
    assert next_scheduled_publish() == story.unpublish_at


def test_a_scheduled_publish_before_it_comes_first(story):
    soon = timezone.now() + timedelta(minutes=10)
    make_article(publish_at=soon)
    assert next_scheduled_publish() == soon


def test_unpublish_must_come_after_publish(client, editor, story):
    client.force_login(editor)
    version = client.get(change_url(story)).context["adminform"].form["desk_version"].value()
    local = timezone.localtime(story.publish_at - timedelta(hours=1))
    response = client.post(
        change_url(story),
        form_for(
            story,
            status="published",
            publish_at_0=timezone.localtime(story.publish_at).strftime("%Y-%m-%d"),
            publish_at_1=timezone.localtime(story.publish_at).strftime("%H:%M:%S"),
            unpublish_at_0=local.strftime("%Y-%m-%d"),
            unpublish_at_1=local.strftime("%H:%M:%S"),
            desk_version=version,
        ),
    )
    assert response.status_code == 200
    assert "The unpublish time must come after the publish time." in response.content.decode()


def test_an_editor_sets_an_unpublish_time_in_the_form(client, editor, story):
    client.force_login(editor)
    version = client.get(change_url(story)).context["adminform"].form["desk_version"].value()
    later = timezone.localtime(timezone.now() + timedelta(days=3)).replace(microsecond=0)
    response = client.post(
        change_url(story),
        form_for(
            story,
            status="published",
            publish_at_0=timezone.localtime(story.publish_at).strftime("%Y-%m-%d"),
            publish_at_1=timezone.localtime(story.publish_at).strftime("%H:%M:%S"),
            unpublish_at_0=later.strftime("%Y-%m-%d"),
            unpublish_at_1=later.strftime("%H:%M:%S"),
            desk_version=version,
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.unpublish_at == later


def test_a_reporter_cannot_set_an_unpublish_time(client, reporter):
    draft = make_article(status=Article.Status.DRAFT, created_by=reporter)
    client.force_login(reporter)
    response = client.post(
        change_url(draft),
        form_for(draft, unpublish_at_0="2030-01-01", unpublish_at_1="10:00:00"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.unpublish_at is None
