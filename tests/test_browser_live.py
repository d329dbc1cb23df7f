"""Live coverage in a real browser: two reporters post from the live desk at once, each
seeing the other's entries arrive, while a reader's page offers "new updates" without
reloading or moving the text being read."""

import pytest
from django.utils import timezone

from articles.models import LiveEntry

from .browser import DESKTOP, PHONE, open_page, screenshot
from .conftest import make_article, make_author, make_section
from .test_browser_newsroom import log_in, staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Readers' pages ask every POLL_SECONDS in production; here, every second.
FAST_POLLS = """
new MutationObserver(() => {
  const live = document.querySelector("[data-live]");
  if (live) live.setAttribute("data-poll-seconds", "1");
}).observe(document, {childList: true, subtree: true});
"""


def post_from_desk(page, headline, text):
    page.fill("#id_headline", headline)
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type(text)
    page.click("input[type=submit][value='Post update']")


def test_two_reporters_post_and_a_reader_is_offered_the_new_updates(
    chromium, live_server, django_user_model, page_errors
):
    amal, badr = (staff(django_user_model, name, "Reporter") for name in ("amal", "badr"))
    article = make_article(
        section=make_section(),
        headline="Election night live",
        live_from=timezone.now(),
        authors=[make_author(name="Amal", user=amal), make_author(name="Badr", user=badr)],
    )
    first = LiveEntry.objects.create(article=article, headline="Polls close", body="")

    reader = open_page(chromium, PHONE, page_errors)
    reader.add_init_script(FAST_POLLS)
    reader.goto(live_server.url + article.get_absolute_url())
    assert reader.locator(".live-entry").count() == 1

    desks = []
    for user in ("amal", "badr"):
        page = open_page(chromium, DESKTOP, page_errors)
        log_in(page, live_server, user)
        page.goto(f"{live_server.url}/admin/articles/liveentry/desk/{article.pk}/")
        page.wait_for_selector("[contenteditable=true]")
        desks.append(page)
    amal_desk, badr_desk = desks

    post_from_desk(amal_desk, "Turnout at 48%", "Figures from the commission.")
    amal_desk.wait_for_selector("[data-live-desk-entries] >> text=Turnout at 48%")
    assert amal_desk.url.endswith(f"/desk/{article.pk}/")  # never left the page
    assert amal_desk.locator("[data-live-desk-status]").inner_text() == "Posted."
    editor = amal_desk.locator("[contenteditable=true]").first
    assert editor.inner_text().strip() == ""  # ready for the next one
    post_from_desk(badr_desk, "First results", "Misrata reports first.")
    badr_desk.wait_for_selector("[data-live-desk-entries] >> text=First results")
    # Each sees the other's entry arrive, newest first.
    amal_desk.wait_for_selector("[data-live-desk-entries] >> text=First results", timeout=20000)
    badr_desk.wait_for_selector("[data-live-desk-entries] >> text=Turnout at 48%", timeout=20000)
    titles = amal_desk.locator(".desk-entry__title").all_inner_texts()
    assert titles == ["First results", "Turnout at 48%", "Polls close"]
    assert LiveEntry.objects.filter(article=article).count() == 3

    # The reader's page: a button says so; the text under the reader's eyes has not moved.
    button = reader.locator("[data-live-new]")
    button.wait_for(state="visible", timeout=20000)
    assert button.inner_text() == "2 new updates"
    assert reader.locator(".live-entry").count() == 1
    screenshot(reader, "live-new-updates-phone")
    button.click()
    reader.wait_for_selector(".live-entry >> text=First results")
    assert reader.locator(".live-entry__title").all_inner_texts() == [
        "First results",
        "Turnout at 48%",
        "Polls close",
    ]
    assert button.is_hidden()
    assert first.pk < LiveEntry.objects.latest("id").pk
    for page in (reader, *desks):
        page.context.close()
    assert page_errors == []


def test_signed_out_in_another_tab_the_desk_says_so_and_posts_once_signed_in_again(
    chromium, live_server, django_user_model, page_errors
):
    amal = staff(django_user_model, "amal", "Reporter")
    article = make_article(
        section=make_section(),
        headline="Election night live",
        live_from=timezone.now(),
        authors=[make_author(name="Amal", user=amal)],
    )
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "amal")
    page.goto(f"{live_server.url}/admin/articles/liveentry/desk/{article.pk}/")
    page.wait_for_selector("[contenteditable=true]")
    other_tab = page.context.new_page()
    other_tab.goto(live_server.url + "/admin/")
    with other_tab.expect_navigation():
        other_tab.locator("#logout-form button, #logout-form input[type=submit]").click()
    post_from_desk(page, "Turnout at 48%", "Figures from the commission.")
    page.get_by_text("You are signed out").wait_for()
    assert not LiveEntry.objects.exists()
    assert page.input_value("#id_headline") == "Turnout at 48%"  # nothing typed is lost
    log_in(other_tab, live_server, "amal")  # a new session, with a new CSRF token
    other_tab.close()
    page.click("input[type=submit][value='Post update']")
    page.wait_for_selector("[data-live-desk-entries] >> text=Turnout at 48%")
    assert LiveEntry.objects.get().headline == "Turnout at 48%"
    page.context.close()
    # The post and the desk's polls while signed out were answered 401, nothing else.
    assert all(error.startswith("401: ") for error in page_errors)
