"""Live search in the header, driven by keyboard in a real browser; saves screenshots."""

import pytest

from articles.models import Article

from .browser import DESKTOP, PHONE, SCREENSHOTS, open_page, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def in_view(page, name):
    """What the reader sees (the popup sits over the page, so not the full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_live_results_open_with_keyboard_and_lead_to_the_full_page(
    chromium, demo_site, page_errors
):
    page = open_page(chromium, DESKTOP, page_errors)
    page.goto(demo_site.url + "/")
    box = page.locator("#site-search")
    box.press_sequentially("libyan", delay=40)
    listbox = page.get_by_role("listbox")
    options = listbox.get_by_role("option")
    options.first.wait_for()
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "true"
    # The demo's Libyan stories (the seed story, the live count, ...) and "View All Result".
    assert options.count() >= 3
    assert options.last.inner_text().lower() == "view all result"
    first_url = options.first.locator("a").get_attribute("href")
    headline = Article.objects.get(slug=first_url.rstrip("/").rsplit("/", 1)[1]).headline
    assert options.first.inner_text().startswith(headline)
    page.wait_for_load_state("networkidle")
    in_view(page, "live-search-desktop")

    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url == demo_site.url + first_url

    page.locator("#site-search").press_sequentially("libyan", delay=40)
    page.get_by_role("option", name="View All Result").click()
    page.wait_for_url("**/search/?q=libyan")
    assert page.locator("h1").inner_text() == "Search results for “libyan”"
    assert page.locator(".card__snippet mark").count() > 0
    page.wait_for_load_state("networkidle")
    screenshot(page, "search-results-desktop")
    page.context.close()
    assert page_errors == []


def test_escape_closes_live_results_and_enter_submits_the_query(chromium, demo_site, page_errors):
    page = open_page(chromium, PHONE, page_errors)
    page.goto(demo_site.url + "/")
    box = page.locator("#site-search")
    box.press_sequentially("zzzz", delay=40)
    page.get_by_role("option", name="No Result").wait_for()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.fill("")
    box.press_sequentially("gaza", delay=40)
    page.get_by_role("listbox").get_by_role("option").first.wait_for()
    page.wait_for_load_state("networkidle")
    in_view(page, "live-search-phone")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.endswith("/search/?q=gaza")
    page.wait_for_load_state("networkidle")
    screenshot(page, "search-results-phone")
    page.context.close()
    assert page_errors == []
