"""Who may see what in the admin: every admin URL, for each role, against unpublished work
that role may not open (a colleague's draft, piece in review, scheduled story, pulled story).

The URLs are walked from the admin's own URL configuration, so a view added later (a custom
admin page, a photo view) is checked without anyone remembering to list it here.
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from articles import images
from articles.models import Article, Image, LiveEntry
from comments.models import Comment

from .conftest import _staff, make_article, make_image

pytestmark = pytest.mark.django_db

SECRET = "Embargoed-minister-resigns"
SEARCH = SECRET[:18]  # what an attacker types; the page may echo it, never the headline


@pytest.fixture
def colleague(django_user_model):
    return _staff(django_user_model, "colleague", "Reporter")


@pytest.fixture
def nobody(django_user_model):
    """A staff login in no group: it may sign in, and nothing more."""
    return _staff(django_user_model, "nobody", None)


def _unpublished_work(colleague):
    """A colleague's pieces in every state that is not public, each with history and a
    library photo of the colleague's own."""
    future = timezone.now() + timedelta(days=2)
    pieces = {
        "draft": make_article(status=Article.Status.DRAFT),
        "review": make_article(status=Article.Status.REVIEW),
        "scheduled": make_article(status=Article.Status.PUBLISHED, publish_at=future),
        "pulled": make_article(),
    }
    pieces["pulled"].status = Article.Status.DRAFT
    for state, article in pieces.items():
        article.headline = f"{SECRET} {state}"
        article.body = f"<p>{SECRET} body {state}</p>"
        article.created_by = colleague
        article.lead_image = make_image(
            title=f"{SECRET} photo {state}", caption=f"{SECRET} caption", uploaded_by=colleague
        )
        article.tags.add(f"{SECRET}-tag-{state}")
        article.live_from = timezone.now()  # a live page, with an entry
        article.save()
        LiveEntry.objects.create(article=article, headline=f"{SECRET} entry {state}")
        Comment.objects.create(article=article, name="Reader", email="r@example.com", body="First!")
    return pieces


def _named_urls(model, values):
    urls = []
    for pattern in admin.site._registry[model].get_urls():
        if not pattern.name:
            continue
        regex = pattern.pattern.regex
        names = list(regex.groupindex) or ["object_id", "version_id"][: regex.groups]
        filled = [values.get(name, values["object_id"]) for name in names]
        if regex.groupindex:
            urls.append(
                reverse(f"admin:{pattern.name}", kwargs=dict(zip(names, filled, strict=True)))
            )
        else:
            urls.append(reverse(f"admin:{pattern.name}", args=filled))
    return urls


def _admin_urls_for(article):
    """Every named URL of the article admin, filled in for this article, and of the comment
    admin, for a comment on it."""
    history = article.history.order_by("history_id").first()
    urls = _named_urls(Article, {"object_id": article.pk, "version_id": history.history_id})
    comment = article.comments.first()
    urls += _named_urls(Comment, {"object_id": comment.pk})
    photo = article.lead_image
    urls += _named_urls(Image, {"object_id": photo.pk})
    entry = article.live_entries.first()
    entry_version = entry.history.first().history_id
    urls += _named_urls(
        LiveEntry,
        {"object_id": entry.pk, "version_id": entry_version, "article_pk": article.pk},
    )
    urls.append(f"{reverse('admin:articles_liveentry_changelist')}?q={SEARCH}")
    urls += [
        f"{reverse('admin:articles_image_changelist')}?q={SEARCH}",
        f"{reverse('admin:articles_image_changelist')}?_popup=1&_to_field=id",
    ]
    if not photo.file.name.startswith("images/"):  # a scheduled story's: public, unguessable
        urls.append(images.thumbnail_url(photo))
    urls += [
        f"{reverse('admin:comments_comment_changelist')}?status__exact=pending",
        f"{reverse('admin:comments_comment_changelist')}?article__id__exact={article.pk}",
        f"{reverse('admin:comments_comment_changelist')}?q=First",
    ]
    content_type = ContentType.objects.get_for_model(Article)
    urls += [
        reverse("admin:view_on_site", args=[content_type.pk, article.pk]),
        reverse("articles:preview", args=[article.pk]),
        f"{reverse('admin:articles_article_changelist')}?q={SEARCH}",
        f"{reverse('admin:articles_article_changelist')}?status__exact={article.status}",
        f"{reverse('admin:articles_article_changelist')}?publish_at__year="
        f"{(article.publish_at or timezone.now()).year}",
        reverse("admin:index"),
        reverse("admin:app_list", args=["articles"]),
        reverse("admin:taggit_tag_changelist"),
    ]
    return urls


def _autocomplete_urls():
    """Every autocomplete the admin offers, asked for the secret headline."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            urls.append(
                f"{reverse('admin:autocomplete')}?app_label={model._meta.app_label}"
                f"&model_name={model._meta.model_name}&field_name={field_name}&term={SEARCH}"
            )
    return urls


def _assert_refused(client, url):
    response = client.get(url)
    body = response.content.decode(errors="replace")
    assert SECRET not in body, f"{url} shows the secret headline ({response.status_code})"
    if response.status_code == 302:
        # Django's answer for an object the queryset hides: back to the admin index.
        assert response["Location"] in (reverse("admin:index"), "/admin/"), url
    return response.status_code


@pytest.mark.parametrize("role", ["reporter", "moderator", "nobody"])
def test_every_admin_url_refuses_unpublished_work_a_role_may_not_open(client, role, request):
    colleague = request.getfixturevalue("colleague")
    user = request.getfixturevalue(role)
    pieces = _unpublished_work(colleague)
    client.force_login(user)
    checked = 0
    for article in pieces.values():
        urls = _admin_urls_for(article)
        assert any("/history/" in url for url in urls)  # the walk reaches the side doors
        for url in urls:
            _assert_refused(client, url)
            checked += 1
    for url in _autocomplete_urls():
        _assert_refused(client, url)
    assert checked >= 4 * 9


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "pulled"])
def test_history_and_versions_refuse_a_colleagues_unpublished_piece(
    client, reporter, colleague, state
):
    article = _unpublished_work(colleague)[state]
    version = article.history.first()
    client.force_login(reporter)
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code in (403, 404)
    page = client.get(
        reverse("admin:articles_article_simple_history", args=[article.pk, version.history_id])
    )
    assert page.status_code in (403, 404)
    assert SECRET not in page.content.decode()


def test_history_of_a_deleted_article_is_refused_to_reporters(client, reporter, colleague):
    article = _unpublished_work(colleague)["draft"]
    pk = article.pk
    article.delete()
    client.force_login(reporter)
    response = client.get(reverse("admin:articles_article_history", args=[pk]))
    assert response.status_code in (403, 404)
    assert SECRET not in response.content.decode()


def test_a_reporter_still_reads_the_history_of_their_own_draft(client, reporter):
    article = make_article(status=Article.Status.DRAFT, headline="My own piece")
    article.created_by = reporter
    article.save()
    client.force_login(reporter)
    response = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert response.status_code == 200
    assert "My own piece" in response.content.decode()


def test_editors_open_every_piece_and_its_history(client, editor, colleague):
    pieces = _unpublished_work(colleague)
    client.force_login(editor)
    for article in pieces.values():
        for name in ("change", "history"):
            response = client.get(reverse(f"admin:articles_article_{name}", args=[article.pk]))
            assert response.status_code == 200
            assert article.headline in response.content.decode()


@pytest.mark.parametrize("role", ["reporter", "moderator"])
def test_changing_or_deleting_a_colleagues_piece_by_crafted_post_is_refused(
    client, role, colleague, request
):
    article = _unpublished_work(colleague)["draft"]
    client.force_login(request.getfixturevalue(role))
    client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {"headline": "Taken over", "slug": article.slug, "section": article.section_id},
    )
    client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    article.refresh_from_db()
    assert article.headline == f"{SECRET} draft"


class TestViewOnSite:
    def url(self, article):
        content_type = ContentType.objects.get_for_model(Article)
        return reverse("admin:view_on_site", args=[content_type.pk, article.pk])

    def test_a_scheduled_storys_address_is_not_told_to_a_moderator(self, client, moderator):
        article = make_article(publish_at=timezone.now() + timedelta(days=1), slug="embargoed")
        client.force_login(moderator)
        response = client.get(self.url(article))
        assert response.status_code == 404
        assert "embargoed" not in response.get("Location", "")

    @pytest.mark.parametrize("spelling", ["+{}", "%20{}", "{}%20", "0{}", "{}/."])
    def test_no_spelling_of_the_type_reaches_djangos_unchecked_view(
        self, client, moderator, spelling
    ):
        """Django's own view answered "+4" with the scheduled story's address."""
        article = make_article(publish_at=timezone.now() + timedelta(days=1), slug="embargoed")
        content_type = ContentType.objects.get_for_model(Article)
        client.force_login(moderator)
        typed = spelling.format(content_type.pk)
        response = client.get(f"/admin/r/{typed}/{article.pk}/")
        assert response.status_code == 404
        assert "embargoed" not in response.get("Location", "")

    def test_an_editor_is_sent_to_the_preview_of_unpublished_work(self, client, editor):
        article = make_article(publish_at=timezone.now() + timedelta(days=1), slug="embargoed")
        client.force_login(editor)
        response = client.get(self.url(article))
        assert response.status_code == 302
        assert response["Location"] == reverse("articles:preview", args=[article.pk])

    def test_an_editor_is_sent_to_a_live_storys_page(self, client, editor):
        article = make_article(slug="live-story")
        client.force_login(editor)
        response = client.get(self.url(article))
        assert response.status_code == 302
        assert response["Location"] == article.get_absolute_url()

    def test_nonsense_ids_are_a_404(self, client, editor):
        client.force_login(editor)
        content_type = ContentType.objects.get_for_model(Article)
        assert client.get(f"/admin/r/{content_type.pk}/not-a-number/").status_code == 404
        assert client.get("/admin/r/999999/1/").status_code == 404


@pytest.mark.parametrize("role", ["reporter", "moderator", "nobody"])
def test_no_bulk_action_touches_work_a_role_may_not_open(client, role, request):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    pieces = _unpublished_work(request.getfixturevalue("colleague"))
    before = {a.pk: (a.status, a.headline, a.publish_at) for a in pieces.values()}
    client.force_login(request.getfixturevalue(role))
    actions = [*admin.site._registry[Article].actions, "delete_selected"]
    assert {"publish_now", "unpublish", "back_to_draft"} <= set(actions)
    for action in actions:
        client.post(
            reverse("admin:articles_article_changelist"),
            {"action": action, ACTION_CHECKBOX_NAME: list(before), "post": "yes"},
        )
    after = {
        a.pk: (a.status, a.headline, a.publish_at) for a in Article.objects.filter(pk__in=before)
    }
    assert after == before


@pytest.mark.parametrize(
    "lookup", ["user", "user__isnull", "user__id__exact", "user__in", "user_id", "user_id__isnull"]
)
def test_the_login_behind_a_byline_is_not_found_through_the_address_by_a_reporter(
    client, reporter, editor, lookup
):
    """The photo library's "uploaded by" names logins; ?user=2 on the authors' list then
    named that login's byline to a reporter, who does not see the column."""
    from articles.models import Author

    Author.objects.create(name="Diego Alvarez", slug="diego", user=editor)
    value = "false" if lookup.endswith("isnull") else str(editor.pk)
    url = reverse("admin:articles_author_changelist")
    client.force_login(reporter)
    assert client.get(url, {lookup: value}).status_code == 400
    client.force_login(editor)
    assert client.get(url, {lookup: value}).status_code == 200
