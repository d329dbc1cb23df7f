"""Curation and trust in a real browser: the breaking-news banner and its dismissal, the
sticky header, the phone drawer, reordering a front with the keyboard, and no serious
accessibility violation on any of it. Leaves screenshots of each at both widths."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, BreakingNews, Front, Slot

from .browser import DESKTOP, PHONE, axe_violations, open_page, screenshot, wait_until
from .test_browser_newsroom import log_in, staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEED = "us-libyan-officials-discuss-military-cooperation"


def put_up_banner():
    return BreakingNews.objects.create(
        text="Polls close across Libya; counting begins",
        link="/corrections/",
        expires_at=timezone.now() + timedelta(hours=1),
    )


def opinion_url():
    return Article.objects.get(label__slug="opinion").get_absolute_url()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_curation_and_trust_pages_have_no_serious_accessibility_violations(
    chromium, demo_site, page_errors, viewport
):
    put_up_banner()
    page = open_page(chromium, viewport, page_errors, bypass_csp=True)
    problems = {}
    for path in ["/", opinion_url(), "/corrections/", "/corrections-policy/"]:
        page.goto(demo_site.url + path)
        assert page.locator(".breaking").is_visible()
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
    name = "desktop" if viewport is DESKTOP else "phone"
    for path, shot in [
        ("/", "trust-curated-home"),
        (opinion_url(), "trust-corrected-opinion"),
        ("/corrections/", "trust-corrections"),
    ]:
        page.goto(demo_site.url + path)
        screenshot(page, f"{shot}-{name}")
    if viewport is PHONE:
        page.click(".menu-button")
        page.wait_for_selector("#site-menu.is-open")
        violations = axe_violations(page)
        if violations:
            problems["drawer"] = violations
        assert page.locator("#drawer-search").is_visible()
        assert page.locator(".site-nav__copy").is_visible()
        page.screenshot(path=str(_shots() / "trust-drawer-phone.png"))
    page.context.close()
    assert problems == {}
    assert page_errors == []


def _shots():
    from .browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def test_a_reader_dismisses_the_banner_and_it_stays_dismissed_without_a_cookie(
    chromium, demo_site, page_errors
):
    put_up_banner()
    page = open_page(chromium, DESKTOP, page_errors)
    page.goto(demo_site.url + "/")
    banner = page.locator(".breaking")
    assert banner.is_visible()
    page.screenshot(path=str(_shots() / "trust-banner-desktop.png"))
    page.locator(".breaking__close").focus()
    page.keyboard.press("Enter")
    assert not banner.is_visible()
    page.goto(demo_site.url + "/corrections/")
    assert not page.locator(".breaking").is_visible()
    assert page.context.cookies() == []
    # A new banner is news again (on a page this browser has not kept).
    put_up_banner()
    page.goto(demo_site.url + "/corrections-policy/")
    assert page.locator(".breaking").is_visible()
    page.context.close()
    assert page_errors == []


def test_the_header_stays_in_reach_while_scrolling_and_nothing_shifts(
    chromium, demo_site, page_errors
):
    seed = Article.objects.get(slug=SEED)
    for viewport in (DESKTOP, PHONE):
        page = open_page(chromium, viewport, page_errors)
        page.goto(demo_site.url + seed.get_absolute_url())
        page.evaluate(
            """() => { window.__shift = 0; new PerformanceObserver(list => {
                 for (const entry of list.getEntries()) window.__shift += entry.value;
               }).observe({type: "layout-shift", buffered: false}); }"""
        )
        page.mouse.wheel(0, 2500)
        wait_until(page, "window.scrollY > 1000")
        assert page.evaluate("document.querySelector('.masthead').getBoundingClientRect().top") == 0
        assert page.locator(".logo").first.is_visible()
        assert page.evaluate("window.__shift") == 0
        page.context.close()
    assert page_errors == []


def test_an_editor_reorders_the_home_page_with_the_keyboard(
    chromium, demo_site, page_errors, django_user_model
):
    staff(django_user_model, "frontdesk", "Editor")
    home = Front.objects.get(section=None)
    first, second = (slot.article for slot in Slot.objects.filter(front=home))
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, demo_site, "frontdesk")
    page.goto(f"{demo_site.url}/admin/articles/front/{home.pk}/change/")
    page.locator("#slots-group .slot-order__button[aria-label='Move down']").first.focus()
    page.keyboard.press("Enter")
    assert "Moved to" in page.locator(".slot-order__status").inner_text()
    page.screenshot(path=str(_shots() / "trust-front-admin-desktop.png"), full_page=True)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/front/")
    page.context.clear_cookies()
    page.goto(demo_site.url + "/")
    lead = page.locator(".lead__title").inner_text()
    assert lead == second.headline
    assert first.headline in page.locator("main").inner_text()
    page.context.close()
    assert page_errors == []


def test_on_a_phone_each_slot_fits_the_screen_its_fields_named(
    chromium, demo_site, page_errors, django_user_model
):
    """The slots' table was wider than a phone: the end time, "showing" and Delete were off
    the screen, reached only by scrolling the table sideways."""
    staff(django_user_model, "frontdesk", "Editor")
    home = Front.objects.get(section=None)
    page = open_page(chromium, PHONE, page_errors)
    log_in(page, demo_site, "frontdesk")
    page.goto(f"{demo_site.url}/admin/articles/front/{home.pk}/change/")
    row = page.locator("#slots-group tr.form-row.has_original").first
    width = page.evaluate("window.innerWidth")
    for cell in ("td.field-article", "td.field-expires_at", "td.field-showing", "td.delete"):
        box = row.locator(cell).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (cell, box)
    assert row.locator("td.field-showing").evaluate("td => td.dataset.label") == "Showing"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(
        "document.querySelector('#slots-group .tabular').scrollWidth"
        " <= document.querySelector('#slots-group .tabular').clientWidth"
    )
    page.screenshot(path=str(_shots() / "trust-front-admin-phone.png"), full_page=True)
    page.context.close()
    assert page_errors == []
