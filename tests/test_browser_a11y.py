"""Accessibility in a real browser: axe-core finds no serious or critical violation, and the
header, menu and search can be used with the keyboard alone."""

import pytest

from articles.models import Article

from .browser import DESKTOP, PHONE, axe_violations, open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def public_pages():
    article = Article.objects.get(slug="us-libyan-officials-discuss-military-cooperation")
    return [
        "/",
        "/section/middle-east/",
        "/tag/libya/",
        article.get_absolute_url(),
        Article.objects.filter(live_from__isnull=False).first().get_absolute_url(),  # live page
        article.authors.first().get_absolute_url(),
        "/search/?q=Libya",
        "/search/?q=zzzzqqq",
        "/about/",
        "/no-such-page/",
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_public_pages_have_no_serious_accessibility_violations(
    chromium, demo_site, page_errors, viewport
):
    page = open_page(chromium, viewport, page_errors, bypass_csp=True)
    problems = {}
    for path in public_pages():
        page.goto(demo_site.url + path)
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
    page.context.close()
    assert problems == {}


def test_keyboard_alone_reaches_skip_link_search_and_menu(chromium, demo_site, page_errors):
    page = open_page(chromium, DESKTOP, page_errors)
    page.goto(demo_site.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(demo_site.url + "/")
    focused = []
    for _ in range(8):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
        )
    assert "site-search" in focused
    page.focus("#site-search")
    page.keyboard.type("Libya")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Libya*")
    assert "Libya" in page.locator("h1").inner_text()
    page.context.close()
    assert page_errors == []
