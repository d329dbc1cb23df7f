"""The public site in a real browser, at desktop and phone widths; saves screenshots."""

import io

import pytest

from articles.models import Article

from .browser import DESKTOP, PHONE, open_page, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_pages_render_without_errors_at_both_widths(chromium, demo_site, page_errors):
    article = Article.objects.get(slug="us-libyan-officials-discuss-military-cooperation")
    pages = {
        "home": "/",
        "section": "/section/middle-east/",
        "article": article.get_absolute_url(),
        "search": "/search/?q=Libya",
        "no-result": "/search/?q=zzzzqqq",
        "not-found": "/no-such-page/",
    }
    for width_name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        page = open_page(chromium, viewport, page_errors)
        for name, path in pages.items():
            response = page.goto(demo_site.url + path)
            assert response.status == (404 if name == "not-found" else 200), path
            assert page.locator("h1").count() == 1, f"one h1 on {path}"
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_load_state("networkidle")
            screenshot(page, f"{name}-{width_name}")
        page.context.close()
    assert page_errors == []


def test_phone_menu_opens_and_closes_with_keyboard(chromium, demo_site, page_errors):
    page = open_page(chromium, PHONE, page_errors)
    page.goto(demo_site.url + "/")
    button = page.locator(".menu-button")
    menu = page.locator("#site-menu")
    assert button.get_attribute("aria-expanded") == "false"
    assert not menu.locator("a", has_text="Africa").is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert menu.locator("a", has_text="Africa").is_visible()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('menu-button')")
    page.context.close()
    assert page_errors == []


def test_tab_stays_inside_the_open_phone_menu(chromium, demo_site, page_errors):
    """The open drawer dims the page: focus went on to links hidden under it."""
    page = open_page(chromium, PHONE, page_errors)
    page.goto(demo_site.url + "/")
    page.locator(".menu-button").click()
    inside = "document.getElementById('site-menu').contains(document.activeElement)"
    controls = page.evaluate(
        "document.querySelectorAll('#site-menu a[href], #site-menu button').length"
    )
    for _ in range(controls + 3):  # past the last control and round again
        page.keyboard.press("Tab")
        assert page.evaluate(inside)
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(inside)
    assert page.locator(".menu-button").get_attribute("aria-expanded") == "true"
    page.context.close()
    assert page_errors == []


def test_article_page_sends_the_beacon_and_headless_chromium_is_not_counted(
    chromium, demo_site, page_errors
):
    article = Article.objects.get(slug="us-libyan-officials-discuss-military-cooperation")
    page = open_page(chromium, DESKTOP, page_errors)
    with page.expect_response(lambda r: "/views/" in r.url) as beacon:
        page.goto(demo_site.url + article.get_absolute_url())
    assert beacon.value.status == 204
    page.context.close()
    # Headless Chromium says so in its user agent, and bots are not counted.
    assert article.daily_views.count() == 0


def test_a_readers_view_is_counted_once_however_often_they_reload(chromium, demo_site, page_errors):
    from django.core.management import call_command

    article = Article.objects.get(slug="us-libyan-officials-discuss-military-cooperation")
    context = chromium.new_context(
        viewport=DESKTOP,
        user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126 Safari/537.36",
    )
    page = context.new_page()
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    for _reload in range(3):
        with page.expect_response(lambda r: "/views/" in r.url) as beacon:
            page.goto(demo_site.url + article.get_absolute_url())
        assert beacon.value.status == 204
        assert beacon.value.request.all_headers().get("origin") == demo_site.url
    context.close()
    call_command("fold_view_counts", stdout=io.StringIO())
    assert sum(article.daily_views.values_list("views", flat=True)) == 1
    assert page_errors == []


def test_a_kept_page_says_how_long_ago_from_the_readers_moment(chromium, live_server, page_errors):
    """A card's "just now" was written into the page when it was rendered; a page a cache
    kept for minutes (or a browser for longer) still said "just now"."""
    from datetime import timedelta

    from django.utils import timezone

    from .conftest import make_article

    published = timezone.now() - timedelta(seconds=5)
    make_article(headline="Port reopens", publish_at=published)
    page = open_page(chromium, DESKTOP, page_errors)
    page.goto(live_server.url + "/")
    moment = f'time[data-ago][datetime="{published.isoformat(timespec="seconds")}"]'
    card = page.locator(moment).first
    assert card.inner_text() == "just now"  # under a minute: the server's words
    # The same page, as a cache would hand it out three hours on.
    html = page.content()
    later = page.context.new_page()
    later.clock.set_fixed_time(published + timedelta(hours=3, minutes=2))
    later.route("**/", lambda route: route.fulfill(body=html, content_type="text/html"))
    later.goto(live_server.url + "/")
    kept = later.locator(moment).first
    assert kept.inner_text() == "3 hours ago"
    page.context.close()
    assert page_errors == []
