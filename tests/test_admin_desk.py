"""What the desk notices on day one: review locks, publishing what was read, tags, deletes,
time zones, read-only bodies."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article

from .conftest import make_article, make_author
from .test_admin import article_form, change_url

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")


def own_article(user, **kwargs):
    article = make_article(**kwargs)
    article.created_by = user
    article.save()
    return article


def test_a_piece_in_review_is_read_only_for_its_reporter(client, reporter, section):
    article = own_article(reporter, status=Article.Status.REVIEW, headline="As submitted")
    client.force_login(reporter)
    page = client.get(change_url(article))
    assert page.status_code == 200
    assert 'name="headline"' not in page.content.decode()  # a view, not a form
    assert "Back to draft" in page.content.decode()
    client.post(
        change_url(article),
        article_form(section, headline="Changed after review", slug=article.slug, status="review"),
    )
    article.refresh_from_db()
    assert article.headline == "As submitted"


def test_back_to_draft_lets_a_reporter_edit_again(client, reporter, section):
    article = own_article(reporter, status=Article.Status.REVIEW)
    client.force_login(reporter)
    client.post(LIST_URL, {"action": "back_to_draft", ACTION_CHECKBOX_NAME: [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    response = client.post(
        change_url(article), article_form(section, headline="Rewritten", slug=article.slug)
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Rewritten"


def test_publish_now_refuses_a_piece_changed_after_the_list_was_loaded(client, editor):
    article = make_article(status=Article.Status.REVIEW, headline="Reviewed text")
    client.force_login(editor)
    listed_at = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        headline="Sneaked in", updated_at=listed_at + timedelta(seconds=5)
    )
    response = client.post(
        LIST_URL,
        {
            "action": "publish_now",
            "listed_at": str(listed_at),
            ACTION_CHECKBOX_NAME: [article.pk],
        },
        follow=True,
    )
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert "after this list was loaded" in response.content.decode()


def test_publish_now_publishes_what_the_list_showed(client, editor):
    article = make_article(status=Article.Status.REVIEW)
    client.force_login(editor)
    listed = client.get(LIST_URL).content.decode()
    assert 'name="listed_at"' in listed
    response = client.post(
        LIST_URL,
        {
            "action": "publish_now",
            "listed_at": str(timezone.now()),
            ACTION_CHECKBOX_NAME: [article.pk],
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published()


def test_a_reporter_reads_their_published_article_as_text_not_html(client, reporter):
    article = own_article(reporter, body="<p>A <strong>bold</strong> claim.</p>")
    client.force_login(reporter)
    page = client.get(change_url(article)).content.decode()
    assert "<strong>bold</strong>" in page
    assert "&lt;strong&gt;" not in page


def test_publish_time_says_which_clock_it_is_on(client, editor, settings):
    settings.TIME_ZONE = "Africa/Cairo"
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "Newsroom time: Africa/Cairo (UTC+02:00" in page


def test_publish_time_is_read_on_the_newsroom_clock(client, editor, section, settings):
    settings.TIME_ZONE = "Africa/Cairo"
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_add"),
        article_form(
            section, status="published", publish_at_0="2030-01-01", publish_at_1="10:00:00"
        ),
    )
    article = Article.objects.get()
    assert article.publish_at.isoformat() == "2030-01-01T08:00:00+00:00"


def test_delete_confirmation_speaks_editors_words(client, editor):
    article = make_article(tags=["Libya"], authors=[make_author(name="Amina")])
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    text = page.content.decode()
    assert article.headline in text
    assert "object (" not in text and "Article_authors" not in text
    assert "only unlinked" in text


class TestTags:
    def test_a_tag_used_only_on_drafts_has_no_page_and_no_feed(self, client):
        make_article(status=Article.Status.DRAFT, tags=["secret-deal"])
        make_article(publish_at=timezone.now() + timedelta(days=1), tags=["embargo"])
        for slug in ("secret-deal", "embargo", "never-used"):
            assert client.get(f"/tag/{slug}/").status_code == 404
            assert client.get(f"/tag/{slug}/feed/").status_code == 404

    def test_a_tag_with_a_published_article_has_its_page(self, client):
        make_article(tags=["libya"])
        assert client.get("/tag/libya/").status_code == 200
        assert client.get("/tag/libya/feed/").status_code == 200

    def test_moderators_and_reporters_cannot_touch_tags(self, client, moderator, reporter):
        make_article(tags=["libya"])
        for user in (moderator, reporter):
            client.force_login(user)
            assert client.get(reverse("admin:taggit_tag_changelist")).status_code == 403
            assert (
                client.post(reverse("admin:taggit_tag_add"), {"name": "x", "slug": "x"}).status_code
                == 403
            )
            # taggit's own merge view, which checked no permission, is gone.
            client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "x"})
        assert not Tag.objects.filter(name="x").exists()

    def test_merging_tags_moves_the_articles(self, client, editor):
        both = make_article(tags=["Libya", "libya-news"])
        only_old = make_article(tags=["libya-news"])
        keep, old = Tag.objects.get(name="Libya"), Tag.objects.get(name="libya-news")
        client.force_login(editor)
        confirm = client.post(
            reverse("admin:taggit_tag_changelist"),
            {"action": "merge_selected", ACTION_CHECKBOX_NAME: [keep.pk, old.pk]},
        )
        assert confirm.status_code == 200
        assert "Keep which tag?" in confirm.content.decode()
        client.post(
            reverse("admin:taggit_tag_changelist"),
            {"action": "merge_selected", ACTION_CHECKBOX_NAME: [keep.pk, old.pk], "into": keep.pk},
        )
        assert list(both.tags.names()) == ["Libya"]
        assert list(only_old.tags.names()) == ["Libya"]
        assert not Tag.objects.filter(pk=old.pk).exists()
        # The merged tag's page leads to the kept one's.
        assert client.get("/tag/libya-news/")["Location"] == "/tag/libya/"
        assert only_old.headline in client.get("/tag/libya/").content.decode()


def test_an_editor_deletes_an_article_with_its_comments(client, editor):
    from comments.models import Comment

    article = make_article()
    Comment.objects.create(article=article, name="R", email="r@example.com", body="Hi")
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    assert "Also deleted: 1 comment" in page.content.decode()
    client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Comment.objects.exists()
