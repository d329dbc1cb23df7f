"""Deleting a section or label that stories carry: the editor says where the stories go,
instead of Django's refusal listing every story in the way."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from articles.models import Article, Label, Section

from .conftest import make_article, make_section

pytestmark = pytest.mark.django_db


def delete_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_delete", args=[obj.pk])


def test_a_section_with_stories_is_deleted_once_they_are_moved(client, editor, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    old = make_section(name="Regions", slug="regions")
    world = make_section(name="World", slug="world")
    live = make_article(section=old, headline="Floods in the south")
    draft = make_article(section=old, status=Article.Status.DRAFT)
    page = client.get(live.get_absolute_url()).content.decode()
    assert "Regions" in page  # cached with its section in the breadcrumb
    client.force_login(editor)

    form = client.get(delete_url(old))
    assert form.status_code == 200
    text = form.content.decode()
    assert "“Regions” is on 2 stories." in text and "1 of them is not live" in text
    assert "Move its stories to" in text and ">World<" in text
    assert "Cannot delete" not in text and "Floods in the south" not in text

    done = client.post(delete_url(old), {"move_to": world.pk}, follow=True)
    assert "“Regions” was deleted; its 2 stories are now in “World”." in done.content.decode()
    assert not Section.objects.filter(pk=old.pk).exists()
    assert set(
        Article.objects.filter(pk__in=[live.pk, draft.pk]).values_list("section", flat=True)
    ) == {world.pk}
    assert LogEntry.objects.filter(action_flag=DELETION, object_repr="Regions").count() == 1
    client.logout()
    page = client.get(live.get_absolute_url()).content.decode()
    assert "Regions" not in page and "World" in page  # not the cached copy
    assert "Floods in the south" in client.get("/section/world/").content.decode()
    assert client.get("/section/regions/")["Location"] == "/section/world/"

    # Search reads the section's name: found by the new one, no longer by the old.
    def results(words):
        html = client.get(f"/search/?q={words}").content.decode()
        # Not the sidebar's, nor the "No Result" page's suggestions.
        return html.split("<main", 1)[1].split("</main>", 1)[0].split("no-result", 1)[0]

    assert "Floods in the south" in results("world")
    assert "Floods in the south" not in results("regions")
    assert client.get("/section/regions/feed/")["Location"] == "/section/world/feed/"


def test_a_section_is_not_deleted_without_a_place_for_its_stories(client, editor):
    old = make_section(name="Regions", slug="regions")
    world = make_section(name="World", slug="world")
    story = make_article(section=old)
    client.force_login(editor)
    for data in ({}, {"move_to": ""}, {"move_to": old.pk}, {"move_to": "999999"}, {"move_to": "x"}):
        answer = client.post(delete_url(old), data)
        assert answer.status_code == 400, data
        assert (
            "Select a valid choice" in answer.content.decode()
            or "required" in answer.content.decode()
        )
    assert Section.objects.filter(pk=old.pk).exists()
    story.refresh_from_db()
    assert story.section_id == old.pk
    world.delete()  # now there is nowhere to go
    text = client.get(delete_url(old)).content.decode()
    assert "There is no other section to move them to" in text
    assert client.post(delete_url(old), {"move_to": old.pk}).status_code == 400
    assert Section.objects.filter(pk=old.pk).exists()


def test_an_empty_section_is_deleted_as_before(client, editor):
    empty = make_section(name="Unused")
    client.force_login(editor)
    assert "Are you sure" in client.get(delete_url(empty)).content.decode()
    assert client.post(delete_url(empty), {"post": "yes"}).status_code == 302
    assert not Section.objects.filter(pk=empty.pk).exists()


def test_a_labels_stories_get_another_label_or_none(client, editor):
    opinion, analysis = Label.objects.get(slug="opinion"), Label.objects.get(slug="analysis")
    column = make_article(label=opinion, headline="Why the talks matter")
    client.force_login(editor)
    text = client.get(delete_url(opinion)).content.decode()
    assert "No label (plain news)" in text
    done = client.post(delete_url(opinion), {"move_to": analysis.pk}, follow=True)
    assert "its 1 story now has “Analysis”" in done.content.decode()
    column.refresh_from_db()
    assert column.label_id == analysis.pk
    done = client.post(delete_url(analysis), {"move_to": ""}, follow=True)
    assert "its 1 story now has no label" in done.content.decode()
    column.refresh_from_db()
    assert column.label_id is None
    assert not Label.objects.filter(pk__in=[opinion.pk, analysis.pk]).exists()


def test_only_those_who_may_delete_see_the_page(client, reporter, moderator):
    old = make_section()
    make_article(section=old)
    for user in (reporter, moderator):
        client.force_login(user)
        assert client.get(delete_url(old)).status_code == 403
        assert client.post(delete_url(old), {"move_to": make_section().pk}).status_code == 403
    assert Section.objects.filter(pk=old.pk).exists()
