"""Embargoed previews for named outsiders: signed, expiring, revocable, noindex, never cached,
every opening logged; the article stays invisible everywhere else until its time."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PreviewLink, PreviewView

from .conftest import make_article

pytestmark = pytest.mark.django_db

HEADLINE = "Minister to resign on Friday"


@pytest.fixture
def scheduled(section):
    return make_article(
        section=section,
        headline=HEADLINE,
        slug="minister-to-resign",
        body="<p>The minister will announce her resignation.</p>",
        tags=["Embargoed-tag"],
        publish_at=timezone.now() + timedelta(days=1),
    )


@pytest.fixture
def link(scheduled, editor):
    return PreviewLink.objects.create(
        article=scheduled, recipient="Jane Roe, counsel", created_by=editor
    )


def test_the_link_shows_the_preview_without_login_never_cached_nor_indexed(client, link):
    for _ in range(2):
        response = client.get(link.get_absolute_url())
        assert response.status_code == 200
        text = response.content.decode()
        assert HEADLINE in text
        assert "Embargoed preview for Jane Roe, counsel." in text
        assert '<meta name="robots" content="noindex' in text
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Cache-Control"] == "private, no-store"
        assert response["Referrer-Policy"] == "no-referrer"
        assert "X-Cache" not in response
        assert not response.cookies
        # Nothing invites the outsider to pass it on, nor names the preview as the page.
        assert "Share on" not in text and 'rel="canonical"' not in text
        assert 'property="og:url"' not in text


def test_every_opening_is_logged_on_the_article(client, link, editor):
    client.get(link.get_absolute_url())
    client.get(link.get_absolute_url())
    assert PreviewView.objects.filter(link=link).count() == 2
    client.force_login(editor)
    form = client.get(reverse("admin:articles_article_change", args=[link.article_id]))
    text = form.content.decode()
    assert "Jane Roe, counsel" in text
    assert "2 times:" in text


def test_the_article_stays_invisible_everywhere_else(client, link, scheduled):
    client.get(link.get_absolute_url())
    public = Article.objects.get(pk=scheduled.pk).get_absolute_url()
    assert client.get(public).status_code == 404
    for url in [
        "/",
        scheduled.section.get_absolute_url(),
        "/search/?q=minister",
        "/feed/",
        "/sitemap-articles.xml",
        "/news-sitemap.xml",
        "/tag/embargoed-tag/",
    ]:
        response = client.get(url)
        assert HEADLINE not in response.content.decode(), url


@pytest.mark.parametrize(
    "address",
    ["/embargo/not-signed/", "/embargo/abc:forged-signature/", "/embargo/%00/"],
)
def test_a_forged_or_unknown_link_is_not_found(client, link, address):
    assert client.get(address).status_code == 404


def test_a_tampered_token_is_refused(client, link):
    url = link.get_absolute_url()
    signed = url.removeprefix("/embargo/").rstrip("/")
    token, signature = signed.rsplit(":", 1)
    tampered = reverse("articles:embargo_preview", kwargs={"signed": f"{token}x:{signature}"})
    assert client.get(tampered).status_code == 404


def test_an_expired_link_is_gone(client, link):
    with time_machine.travel(link.expires_at + timedelta(seconds=1)):
        response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert HEADLINE not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert not PreviewView.objects.exists()


def test_an_editor_withdraws_a_link_and_it_stops_working_at_once(client, link, editor):
    assert client.get(link.get_absolute_url()).status_code == 200
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[link.article_id])
    post = _form_data(client.get(url))
    post["preview_links-0-withdraw"] = "on"
    saved = client.post(url, post)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    form = client.get(url).content.decode()
    assert "No: withdrawn on" in form  # said in words, the address no longer a link
    assert f'href="{link.get_absolute_url()}"' not in form
    client.logout()
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(link.get_absolute_url()).status_code == 410


def test_reporters_cannot_make_preview_links(client, reporter, section):
    article = make_article(section=section, status=Article.Status.DRAFT, created_by=reporter)
    client.force_login(reporter)
    text = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b"preview_links-TOTAL_FORMS" not in text


def _form_data(response):
    """Every field of the admin change form as the browser would submit it."""
    import re
    from html import unescape

    text = response.content.decode()
    form = text[text.index('id="article_form"') :]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        if not name:
            continue
        kind = re.search(r'type="([^"]*)"', tag)
        kind = kind.group(1) if kind else "text"
        value = re.search(r'value="([^"]*)"', tag)
        value = unescape(value.group(1)) if value else ""
        if kind in ("checkbox", "radio"):
            if "checked" in tag:
                data.setdefault(name.group(1), value or "on")
            continue
        if kind in ("submit", "button", "file", "image"):
            continue
        data.setdefault(name.group(1), value)
    for select in re.finditer(r'<select[^>]*name="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(2))
        if chosen:
            data[select.group(1)] = chosen if "multiple" in select.group(0) else chosen[0]
    for area in re.finditer(r'<textarea[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', form, re.S):
        data[area.group(1)] = unescape(area.group(2)).lstrip("\n")
    return data


def test_the_preview_offers_no_comment_form_and_a_head_is_no_opening(client, link):
    """Comments go to live stories only: a form on the preview would answer 404."""
    text = client.get(link.get_absolute_url()).content.decode()
    assert 'name="body"' not in text and "Post Comment" not in text
    assert "Readers can comment once the story is live." in text
    assert client.head(link.get_absolute_url()).status_code == 200
    assert PreviewView.objects.filter(link=link).count() == 1


def test_the_editors_preview_offers_no_comment_form(client, editor, scheduled):
    client.force_login(editor)
    text = client.get(reverse("articles:preview", args=[scheduled.pk])).content.decode()
    assert 'name="body"' not in text
    assert "Readers can comment once the story is live." in text


def test_the_outsider_sees_the_draft_s_private_photos_through_the_link_and_nothing_else(
    client, editor, section
):
    """A draft's photos are private: the named outsider, who has no login, gets them at
    addresses under their link while it is valid; the staff's address stays closed."""
    from .conftest import make_image, uploaded_jpeg
    from .test_image_access import get, picture_urls

    draft = make_article(
        section=section,
        status=Article.Status.DRAFT,
        featured_image=uploaded_jpeg(),
        image_alt="The minister at her desk",
    )
    link = PreviewLink.objects.create(article=draft, recipient="Jane Roe", created_by=editor)
    urls = picture_urls(client.get(link.get_absolute_url()).content.decode())
    assert urls and all(url.startswith(f"{link.get_absolute_url()}images/") for url in urls)
    for url in urls:
        status, body = get(client, url)
        assert status == 200 and body
    other = make_image(uploaded_jpeg())  # a photo the story does not show
    name = urls[0].split("/images/", 1)[1].split("/", 1)[1]
    assert client.get(f"{link.get_absolute_url()}images/{other.pk}/{name}").status_code == 404
    staff_url = reverse("articles:private_image", args=[draft.lead_image_id, name])
    assert client.get(staff_url).status_code == 404
    link.revoked_at = timezone.now()
    link.save()
    assert all(client.get(url).status_code == 404 for url in urls)


def test_the_story_form_offers_no_view_on_site_link_that_leads_nowhere(client, link, editor):
    """Inline rows (preview links, corrections) have no page of their own: Django's "View on
    site" beside each led to a 404. The link's address is shown to copy instead."""
    from articles.models import Notice

    Notice.objects.create(article=link.article, kind="correction", text="An earlier version…")
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[link.article_id]))
    html = page.content.decode()
    assert "/admin/r/" not in html.split('id="notices-group"')[1]
    assert link.get_absolute_url() in html


def _new_link_for(recipient, days):
    """The preview links inline with one new link, valid until noon ``days`` from today."""
    return {
        "preview_links-TOTAL_FORMS": "1",
        "preview_links-0-recipient": recipient,
        "preview_links-0-expires_at_0": f"{timezone.localdate() + timedelta(days=days)}",
        "preview_links-0-expires_at_1": "12:00:00",
    }


def test_a_live_story_gets_no_new_embargoed_preview(client, editor, section):
    """Its address is public: a preview link for an outsider would only add a second one."""
    live = make_article(section=section)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[live.pk])
    post = _form_data(client.get(url))
    post.update(_new_link_for("Jane Roe", days=1))
    response = client.post(url, post)
    assert response.status_code == 200
    assert "This story is live" in response.content.decode()
    assert not PreviewLink.objects.exists()


def test_a_link_cannot_be_made_already_expired(client, editor, scheduled):
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[scheduled.pk])
    post = _form_data(client.get(url))
    post.update(_new_link_for("Jane Roe", days=-1))
    post["headline"] = "Minister to resign on Friday, aides say"
    response = client.post(url, post)
    assert response.status_code == 200  # the form again
    html = response.content.decode()
    assert "Valid until must be in the future." in html
    assert 'value="Jane Roe"' in html and "aides say" in html  # what was typed is kept
    assert not PreviewLink.objects.exists()
    scheduled.refresh_from_db()
    assert scheduled.headline == HEADLINE  # nothing half-saved


def test_a_link_that_ran_out_does_not_stop_the_story_being_saved(client, editor, link):
    PreviewLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - timedelta(days=1, microseconds=1234)
    )
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[link.article_id])
    post = _form_data(client.get(url))
    post["headline"] = "Minister to resign on Friday, aides say"
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Article.objects.get(pk=link.article_id).headline.endswith("aides say")
