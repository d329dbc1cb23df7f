"""The breaking-news banner: on every public page as soon as it is saved, gone at its expiry
with nothing running, never a stale copy from the page cache, dismissible without a cookie."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_max_age

from articles.models import BreakingNews

from .conftest import make_article

pytestmark = pytest.mark.django_db

TEXT = "Polls close in Libya"


def banner(minutes=30, **kwargs):
    kwargs.setdefault("text", TEXT)
    kwargs.setdefault("link", "/section/middle-east/")
    return BreakingNews.objects.create(
        expires_at=timezone.now() + timedelta(minutes=minutes), **kwargs
    )


@pytest.fixture
def pages(section):
    article = make_article(section=section)
    page = FlatPage.objects.create(url="/about/", title="About us", content="<p>About.</p>")
    page.sites.add(Site.objects.get_current())
    return [
        "/",
        section.get_absolute_url(),
        article.get_absolute_url(),
        "/about/",
        reverse("articles:corrections"),
        "/search/?q=Headline",
        "/no-such-page/",
    ]


def test_a_new_banner_shows_on_every_public_page_even_those_already_cached(client, pages):
    for url in pages:
        assert TEXT not in client.get(url).content.decode()
    assert client.get(pages[0])["X-Cache"] == "HIT"
    banner()
    for url in pages:
        response = client.get(url)
        assert TEXT in response.content.decode(), url
        assert 'href="/section/middle-east/"' in response.content.decode()


def test_the_banner_disappears_at_its_expiry_with_nothing_running(client, pages):
    shown = banner(minutes=2)  # well inside the page cache's own lifetime
    for url in pages:
        assert TEXT in client.get(url).content.decode()
    assert client.get(pages[0])["X-Cache"] == "HIT"
    with time_machine.travel(shown.expires_at + timedelta(seconds=1)):
        for url in pages:
            assert TEXT not in client.get(url).content.decode(), url


def test_no_cache_is_told_to_keep_a_page_past_the_banners_expiry(client, pages, settings):
    settings.NEWSROOM_HTTP_MAX_AGE = 3600
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 3600
    banner(minutes=2)
    for url in pages:
        response = client.get(url)
        assert _kept_for_at_most(response) <= 120, url
        again = client.get(url)
        assert again["X-Cache"] == "HIT"
        assert _kept_for_at_most(again) <= 120, url


def _kept_for_at_most(response):
    """How long a browser or front cache may show the page: max-age, plus the time it may
    show it stale while fetching it again."""
    grace = re.search(r"stale-while-revalidate=(\d+)", response["Cache-Control"])
    return get_max_age(response) + (int(grace.group(1)) if grace else 0)


def test_an_edited_banner_shows_at_once_and_a_deleted_one_goes(client, pages):
    shown = banner()
    assert TEXT in client.get(pages[2]).content.decode()
    shown.text = "Counting begins"
    shown.save()
    assert "Counting begins" in client.get(pages[2]).content.decode()
    shown.delete()
    assert "Counting begins" not in client.get(pages[2]).content.decode()


def test_the_newest_unexpired_banner_is_the_one_shown(client, pages):
    banner(text="Older news")
    banner(text="Newer news")
    banner(minutes=-5, text="Expired news")
    text = client.get("/").content.decode()
    assert "Newer news" in text
    assert "Older news" not in text and "Expired news" not in text


def test_the_banner_list_marks_as_showing_only_the_banner_readers_see(client, editor):
    """An older banner still up waits behind the newest: the list said both were showing."""
    banner(text="Older news")
    banner(text="Newer news")
    banner(minutes=-5, text="Expired news")
    client.force_login(editor)
    html = client.get(reverse("admin:articles_breakingnews_changelist")).content.decode()
    rows = {
        re.search(r">(\w+ news)<", row).group(1): row
        for row in html.split("<tr")
        if " news<" in row
    }
    assert 'alt="True"' in rows["Newer news"]
    assert 'alt="False"' in rows["Older news"] and 'alt="False"' in rows["Expired news"]


def test_the_banner_sets_no_cookie_and_can_be_dismissed_in_the_browser(client, pages):
    shown = banner()
    response = client.get("/")
    assert not response.cookies
    text = response.content.decode()
    assert f'data-breaking="{shown.version}"' in text
    assert '<button class="breaking__close" type="button" hidden>' in text


def test_editors_put_up_a_banner_in_the_admin(client, editor):
    client.force_login(editor)
    soon = timezone.localtime() + timedelta(hours=1)
    response = client.post(
        reverse("admin:articles_breakingnews_add"),
        {
            "text": TEXT,
            "link": "https://example.com/live",
            "expires_at_0": soon.strftime("%Y-%m-%d"),
            "expires_at_1": soon.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    assert BreakingNews.objects.current().link == "https://example.com/live"


@pytest.mark.parametrize(
    ("link", "minutes", "message"),
    [
        ("javascript:alert(1)", 60, "Enter a web address"),
        ("//evil.example/", 60, "Enter a web address"),
        ("ftp://example.com/", 60, "Enter a web address"),
        ("http://example.com/", 60, "Enter a web address"),  # https, as the form says
        ("/\\evil.example/", 60, "no backslash"),  # browsers read it as //evil.example/
        ("/a b/", 60, "no backslash and no spaces"),
        ("/fine/", -60, "Choose a time in the future."),
    ],
)
def test_bad_banners_are_refused_with_a_message_and_nothing_saved(
    client, editor, link, minutes, message
):
    client.force_login(editor)
    when = timezone.localtime() + timedelta(minutes=minutes)
    response = client.post(
        reverse("admin:articles_breakingnews_add"),
        {
            "text": TEXT,
            "link": link,
            "expires_at_0": when.strftime("%Y-%m-%d"),
            "expires_at_1": when.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BreakingNews.objects.exists()


def test_take_down_now_removes_it_from_every_page(client, editor, pages):
    shown = banner()
    assert TEXT in client.get("/").content.decode()
    client.force_login(editor)
    client.post(
        reverse("admin:articles_breakingnews_changelist"),
        {"action": "end_now", "_selected_action": [shown.pk]},
    )
    client.logout()
    for url in pages:
        assert TEXT not in client.get(url).content.decode(), url


def test_reporters_and_moderators_cannot_put_up_a_banner(client, reporter, moderator):
    for user in (reporter, moderator):
        client.force_login(user)
        assert client.get(reverse("admin:articles_breakingnews_add")).status_code == 403
