"""Drafts are reachable only through an editor's or author's preview."""

import pytest
from django.urls import reverse

from articles.models import Article

from .conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(reporter):
    return make_article(status=Article.Status.DRAFT, headline="Secret draft", created_by=reporter)


def preview_url(article):
    return reverse("articles:preview", args=[article.pk])


def test_anonymous_visitor_gets_404_for_a_preview(client, draft):
    assert client.get(preview_url(draft)).status_code == 404


def test_editor_previews_any_draft(client, editor, draft):
    client.force_login(editor)
    response = client.get(preview_url(draft))
    assert response.status_code == 200
    assert b"Secret draft" in response.content
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_author_previews_their_own_draft(client, reporter, draft):
    client.force_login(reporter)
    assert client.get(preview_url(draft)).status_code == 200


def test_another_reporter_cannot_preview(client, django_user_model, draft):
    from django.contrib.auth.models import Group

    other = django_user_model.objects.create_user("other", password="x" * 14, is_staff=True)
    other.groups.add(Group.objects.get(name="Reporter"))
    client.force_login(other)
    assert client.get(preview_url(draft)).status_code == 404


def test_draft_is_never_reachable_by_guessing_its_url(client, draft):
    draft.publish_at = draft.created_at
    draft.save()
    assert client.get(draft.get_absolute_url()).status_code == 404
