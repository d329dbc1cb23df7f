"""The article form's byline order and tag suggestions in a real browser: an editor moves
names in the byline with the keyboard and by dragging, and readers see the new order; a
reporter picks tags from the suggestions without being offered a colleague's draft tag."""

import pytest

from articles import bylines
from articles.models import Article

from .browser import DESKTOP, PHONE, open_page, screenshot
from .conftest import make_article, make_author, make_section
from .test_browser_newsroom import log_in, staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHIPS = "select[name=authors] + .select2 li.select2-selection__choice"


def chip_names(page):
    """The names on the byline's chips, as they stand left to right (without the remove mark)."""
    return [text.replace("\u00d7", "").strip() for text in page.locator(CHIPS).all_inner_texts()]


def wait_for_chips(page):
    """Until admin_bylines.js has made the chips movable (after Select2 has drawn them)."""
    page.locator(f"{CHIPS}[draggable=true][tabindex='0']").first.wait_for()


def wait_for_focus(page, name):
    """Until the chip with this name has the keyboard focus."""
    page.locator(f"{CHIPS}:focus", has_text=name).wait_for(timeout=5000)


def public_byline(page, server, article):
    article.refresh_from_db()
    page.goto(server.url + article.get_absolute_url())
    return page.locator("span.byline").inner_text()


def test_editor_reorders_the_byline_with_keys_and_by_dragging(
    chromium, live_server, django_user_model, page_errors
):
    staff(django_user_model, "erin", "Editor")
    # Neither alphabetical nor in the order the authors were made, before or after.
    yusuf = make_author(name="Yusuf Idris")
    hana = make_author(name="Hana Mahmoud")
    layla = make_author(name="Layla Omar")
    article = make_article(
        section=make_section(name="Africa", slug="africa"),
        headline="Port reopens",
        authors=[yusuf, hana, layla],
    )
    form_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "erin")
    page.goto(form_url)
    wait_for_chips(page)
    assert chip_names(page) == ["Yusuf Idris", "Hana Mahmoud", "Layla Omar"]

    # Keyboard: Layla's chip, two steps to the left; the focus stays on her name.
    page.locator(CHIPS, has_text="Layla Omar").focus()
    page.keyboard.press("ArrowLeft")
    assert chip_names(page) == ["Yusuf Idris", "Layla Omar", "Hana Mahmoud"]
    wait_for_focus(page, "Layla Omar")
    page.keyboard.press("ArrowLeft")
    assert chip_names(page) == ["Layla Omar", "Yusuf Idris", "Hana Mahmoud"]
    wait_for_focus(page, "Layla Omar")
    # Already first: another ArrowLeft changes nothing; ArrowRight and back is a round trip.
    page.keyboard.press("ArrowLeft")
    assert chip_names(page) == ["Layla Omar", "Yusuf Idris", "Hana Mahmoud"]
    page.keyboard.press("ArrowRight")
    assert chip_names(page) == ["Yusuf Idris", "Layla Omar", "Hana Mahmoud"]
    wait_for_focus(page, "Layla Omar")
    page.keyboard.press("ArrowUp")
    assert chip_names(page) == ["Layla Omar", "Yusuf Idris", "Hana Mahmoud"]
    screenshot(page, "bylines-desktop")
    # A click selects a name for the arrow keys too (no Select2 list opens over the form).
    page.locator(CHIPS, has_text="Yusuf Idris").click()
    wait_for_focus(page, "Yusuf Idris")
    assert not page.locator(".select2-container--open").count()
    page.keyboard.press("ArrowDown")
    assert chip_names(page) == ["Layla Omar", "Hana Mahmoud", "Yusuf Idris"]
    wait_for_focus(page, "Yusuf Idris")
    page.keyboard.press("ArrowUp")
    assert chip_names(page) == ["Layla Omar", "Yusuf Idris", "Hana Mahmoud"]
    # From the field for adding names, Shift+Tab reaches the last name: no mouse needed.
    page.locator("select[name=authors] + .select2 .select2-search__field").focus()
    page.keyboard.press("Shift+Tab")
    wait_for_focus(page, "Hana Mahmoud")

    # Dragging (Playwright's drag_to drives Chromium's HTML5 drag and drop): Hana dropped on
    # Yusuf goes before him.
    page.locator(CHIPS, has_text="Hana Mahmoud").drag_to(page.locator(CHIPS, has_text="Yusuf"))
    assert chip_names(page) == ["Layla Omar", "Hana Mahmoud", "Yusuf Idris"]
    # The drag opened no Select2 dropdown over the form.
    assert not page.locator(".select2-container--open").count()

    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    assert [a.name for a in bylines.ordered(article)] == [
        "Layla Omar",
        "Hana Mahmoud",
        "Yusuf Idris",
    ]
    # The reopened form draws the chips in the saved order, and they can still be moved.
    wait_for_chips(page)
    assert chip_names(page) == ["Layla Omar", "Hana Mahmoud", "Yusuf Idris"]
    page.locator(CHIPS, has_text="Yusuf Idris").focus()
    page.keyboard.press("ArrowLeft")
    assert chip_names(page) == ["Layla Omar", "Yusuf Idris", "Hana Mahmoud"]
    wait_for_focus(page, "Yusuf Idris")

    phone = open_page(chromium, PHONE, page_errors)
    log_in(phone, live_server, "erin")
    phone.goto(form_url)
    wait_for_chips(phone)
    assert chip_names(phone) == ["Layla Omar", "Hana Mahmoud", "Yusuf Idris"]
    phone.locator(CHIPS, has_text="Hana Mahmoud").click()
    wait_for_focus(phone, "Hana Mahmoud")
    screenshot(phone, "bylines-phone")
    # A name's remove mark still takes it off the byline (not saved: the phone leaves the form).
    phone.locator(CHIPS, has_text="Yusuf Idris").locator(
        ".select2-selection__choice__remove"
    ).click()
    assert chip_names(phone) == ["Layla Omar", "Hana Mahmoud"]

    reader = open_page(chromium, DESKTOP, page_errors)
    assert (
        public_byline(reader, live_server, article) == "By Layla Omar, Hana Mahmoud and Yusuf Idris"
    )
    for each in (page, phone, reader):
        each.context.close()
    assert page_errors == []


def suggestions(page):
    options = page.locator("ul.tag-suggestions[role=listbox] [role=option]")
    options.first.wait_for()
    return options


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_reporter_picks_tags_from_suggestions_but_not_a_colleagues_draft_tag(
    chromium, live_server, django_user_model, page_errors, viewport
):
    rita = staff(django_user_model, "rita", "Reporter")
    colleague = staff(django_user_model, "rami", "Reporter")
    section = make_section(name="Middle East", slug="middle-east")
    make_article(section=section, headline="Oil flows again", tags=["Libya", "Libyan oil"])
    make_article(
        section=section,
        headline="Two banks to merge",
        status=Article.Status.DRAFT,
        created_by=colleague,
        tags=["Libya merger"],
    )
    make_article(
        section=section,
        headline="Her own draft",
        status=Article.Status.DRAFT,
        created_by=rita,
        tags=["Libya ceasefire"],
    )
    page = open_page(chromium, viewport, page_errors)
    log_in(page, live_server, "rita")
    page.goto(live_server.url + "/admin/articles/article/add/")

    tags = page.locator("#id_tags")
    tags.press_sequentially("Liby")
    options = suggestions(page)
    # The live article's tags and her own draft's; not the colleague's unpublished merger.
    assert options.all_inner_texts() == ["Libya", "Libya ceasefire", "Libyan oil"]
    assert tags.get_attribute("aria-expanded") == "true"
    # The list opens under the field, lined up with it, and leaves the field its height.
    field = tags.bounding_box()
    listbox = page.locator("ul.tag-suggestions").bounding_box()
    assert field["height"] < 50
    assert abs(listbox["x"] - field["x"]) < 2
    assert field["y"] + field["height"] <= listbox["y"] < field["y"] + field["height"] + 10
    name = "desktop" if viewport == DESKTOP else "phone"
    tags.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    screenshot(page, f"tag-suggestions-{name}")
    tags.press("ArrowDown")
    tags.press("ArrowUp")
    assert options.first.get_attribute("aria-selected") == "true"
    assert options.nth(1).get_attribute("aria-selected") == "false"
    tags.press("Enter")  # picks the suggestion; the form is not sent
    assert page.input_value("#id_tags") == "Libya, "
    assert page.locator("ul.tag-suggestions").is_hidden()
    assert page.url.endswith("/admin/articles/article/add/")

    # Escape closes the list and keeps what was typed.
    tags.press_sequentially("Lib")
    suggestions(page)
    tags.press("Escape")
    assert page.locator("ul.tag-suggestions").is_hidden()
    assert page.input_value("#id_tags") == "Libya, Lib"
    for _ in range(3):
        tags.press("Backspace")

    tags.press_sequentially("oil")
    options = suggestions(page)
    assert options.all_inner_texts() == ["Libyan oil"]
    options.first.click()
    assert page.input_value("#id_tags") == "Libya, Libyan oil, "
    assert page.locator("ul.tag-suggestions").is_hidden()

    # Saved, the story carries the two tags she picked.
    page.locator("#id_headline").fill("Oil exports rise")
    page.select_option("#id_section", label="Middle East")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    article = Article.objects.get(headline="Oil exports rise")
    assert set(article.tags.names()) == {"Libya", "Libyan oil"}
    page.context.close()
    assert page_errors == []
