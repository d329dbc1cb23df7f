"""The article list and form as a desk uses them: full-text search (body, tags, authors),
sorted and filtered by last change, authors by autocomplete, "Duplicate as a new draft"."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article

from .conftest import _staff, make_article, make_author
from .test_admin import change_url

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def listed(client, **params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return {article.headline for article in response.context["cl"].result_list}


def test_the_list_finds_words_in_the_body_tags_and_stems(editor):
    make_article(headline="Port news", body="<p>The harbour master resigned.</p>")
    make_article(headline="Tagged piece", tags=["Fisheries"])
    make_article(headline="Unrelated", body="<p>Nothing here.</p>")
    client = logged_in(editor)
    assert listed(client, q="resigning harbour") == {"Port news"}
    assert listed(client, q="fisheries") == {"Tagged piece"}


def test_the_list_finds_an_authors_stories(editor):
    make_article(headline="By Amal", authors=[make_author(name="Amal Hassan")])
    make_article(headline="By someone else")
    assert listed(logged_in(editor), q="Amal") == {"By Amal"}


def test_a_reporter_never_finds_a_colleagues_draft(reporter, django_user_model):
    colleague = _staff(django_user_model, "colleague", "Reporter")
    make_article(status=Article.Status.DRAFT, headline="Secret zebra", created_by=colleague)
    make_article(status=Article.Status.DRAFT, headline="My zebra", created_by=reporter)
    assert listed(logged_in(reporter), q="zebra") == {"My zebra"}


@pytest.mark.parametrize("query", ['"', "-", "OR", "a" * 5000, "\x00", "((("])
def test_odd_searches_answer_a_page(editor, query):
    make_article(headline="Anything")
    assert logged_in(editor).get(LIST_URL, {"q": query}).status_code == 200


def test_the_list_sorts_by_last_change(editor):
    make_article(headline="Newest publish time")
    touched = make_article(headline="Older publish time, changed last")
    touched.save()
    client = logged_in(editor)
    page = client.get(LIST_URL)
    assert page.context["cl"].result_list[0].headline == "Newest publish time"
    column = page.context["cl"].list_display.index("updated_at")
    response = client.get(LIST_URL, {"o": f"-{column}"})
    assert response.context["cl"].result_list[0].headline == "Older publish time, changed last"


def test_authors_are_chosen_with_autocomplete(reporter):
    make_author(name="Amal Hassan")
    make_author(name="Bob Stone")
    client = logged_in(reporter)
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'class="admin-autocomplete"' in page and 'data-field-name="authors"' in page
    answer = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "authors", "term": "ama"},
    )
    assert [item["text"] for item in answer.json()["results"]] == ["Amal Hassan"]


def test_duplicate_as_a_new_draft(editor):
    byline = make_author(name="Amal Hassan")
    source = make_article(
        headline="Port reopens", dek="Ships return.", tags=["Ports"], authors=[byline]
    )
    client = logged_in(editor)
    assert "Duplicate as a new draft" in client.get(change_url(source)).content.decode()
    response = client.post(reverse("admin:articles_article_desk_duplicate", args=[source.pk]))
    copy = Article.objects.exclude(pk=source.pk).get()
    assert response["Location"] == change_url(copy)
    assert copy.status == Article.Status.DRAFT and copy.publish_at is None
    assert copy.headline == "Copy of Port reopens" and copy.dek == "Ships return."
    assert copy.slug != source.slug and copy.created_by == editor
    assert list(copy.tags.names()) == ["Ports"] and list(copy.authors.all()) == [byline]
    assert copy.get_absolute_url().startswith("/preview/")
    client.post(reverse("admin:articles_article_desk_duplicate", args=[source.pk]))
    assert Article.objects.count() == 3  # a second copy gets its own address


def test_a_reporter_cannot_duplicate_a_colleagues_draft(reporter, django_user_model):
    colleague = _staff(django_user_model, "colleague", "Reporter")
    draft = make_article(status=Article.Status.DRAFT, created_by=colleague)
    response = logged_in(reporter).post(
        reverse("admin:articles_article_desk_duplicate", args=[draft.pk])
    )
    assert response.status_code == 404
    assert Article.objects.count() == 1


TAG_SUGGESTIONS = reverse("admin:articles_article_desk_tag_suggestions")


def test_tag_suggestions_offer_what_a_writer_may_know_of(reporter, editor, django_user_model):
    colleague = _staff(django_user_model, "cora", "Reporter")
    make_article(tags=["Libya", "Libyan oil"], headline="Live")
    make_article(tags=["Libya"], headline="Also live")
    make_article(tags=["Libya", "Libyan oil"], headline="Live again")
    make_article(status=Article.Status.DRAFT, created_by=reporter, tags=["Libya ports"])
    make_article(status=Article.Status.DRAFT, created_by=colleague, tags=["Libya merger"])
    found = logged_in(reporter).get(TAG_SUGGESTIONS, {"q": "liby"})
    assert found.status_code == 200
    # Starting with it, the most used first; a colleague's unpublished tag is not offered.
    assert found.json() == {"results": ["Libya", "Libyan oil", "Libya ports"]}
    everything = logged_in(editor).get(TAG_SUGGESTIONS, {"q": "LIBYA"}).json()["results"]
    assert set(everything) == {"Libya", "Libyan oil", "Libya ports", "Libya merger"}
    assert logged_in(reporter).get(TAG_SUGGESTIONS, {"q": "oil"}).json() == {
        "results": ["Libyan oil"]
    }
    assert logged_in(reporter).get(TAG_SUGGESTIONS, {"q": "  "}).json() == {"results": []}


def test_tag_suggestions_are_for_writers_only(moderator, client):
    assert logged_in(moderator).get(TAG_SUGGESTIONS, {"q": "a"}).status_code == 403
    assert client.get(TAG_SUGGESTIONS, {"q": "a"}).status_code == 302  # to the login


def test_the_tag_field_asks_for_suggestions(reporter):
    page = logged_in(reporter).get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-tag-suggestions="{TAG_SUGGESTIONS}"' in page
    assert "admin_tag_suggestions.js" in page
