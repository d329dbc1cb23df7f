"""Autosave of a new article in a real browser: a reporter's unsaved new story survives a
crash, is offered back on the next "Add article" form, restored and saved; or discarded."""

import threading
import time

import pytest

from articles.desk import autosave
from articles.desk.models import Autosave
from articles.models import Article

from .browser import DESKTOP, PHONE, admin_ready, open_page, screenshot
from .conftest import make_image, make_section
from .test_browser_newsroom import log_in, staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ADD = "/admin/articles/article/add/"
NOTICE = "You have a new article you did not save"


@pytest.fixture
def fast_autosave(monkeypatch):
    # The form sends its text once a second instead of every five: the test waits for the
    # status line a person would see, not for a clock.
    monkeypatch.setattr(autosave, "SECONDS", 1)


def write_new_article(page, server, headline, body):
    page.goto(server.url + ADD)
    assert NOTICE not in page.content()
    page.locator("#id_headline").press_sequentially(headline)
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type(body)
    page.get_by_text("Autosaved at").wait_for()


def kept_draft(user, text, seconds=10):
    """The user's kept draft of a new article once its body holds ``text`` (or as it is
    after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while True:
        kept = Autosave.objects.filter(article=None, user=user).first()
        if (kept and text in kept.data.get("body", "")) or time.monotonic() > deadline:
            return kept
        time.sleep(0.2)


def test_a_new_article_survives_a_crash_and_is_restored_and_saved(
    chromium, live_server, django_user_model, page_errors, fast_autosave
):
    make_section(name="Africa", slug="africa")
    rita = staff(django_user_model, "rita", "Reporter")
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "rita")
    write_new_article(
        page, live_server, "Floods close the coast road", "Water rose overnight near Lamu."
    )
    status = page.locator("[data-desk-autosave-status]").inner_text()
    assert "(a draft of yours, not the article)" in status
    # The status line shows the first save, which a slow typist's last words may follow:
    # they reach the server with the next one, a second later.
    kept = kept_draft(rita, "Water rose overnight near Lamu.")
    page.context.close()  # the browser crashes: nothing was saved
    assert not Article.objects.exists()
    assert kept.data["headline"] == "Floods close the coast road"
    assert "Water rose overnight near Lamu." in kept.data["body"]

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_page(chromium, viewport, page_errors)
        log_in(page, live_server, "rita")
        page.goto(live_server.url + ADD)
        notice = page.locator(".desk-autosave")
        assert NOTICE in notice.inner_text()
        assert "“Floods close the coast road” was kept while you wrote." in notice.inner_text()
        assert notice.get_by_role("link", name="Restore my unsaved text").is_visible()
        assert notice.get_by_role("button", name="Discard it").is_visible()
        screenshot(page, f"desk-autosave-new-{name}")
        if name == "desktop":
            page.context.close()

    # On the phone she restores it: headline and body are back in the form.
    page.get_by_role("link", name="Restore my unsaved text").click()
    page.wait_for_url("**/add/?desk_restore=1")
    assert page.input_value("#id_headline") == "Floods close the coast road"
    editor = page.locator("[contenteditable=true]").first
    assert "Water rose overnight near Lamu." in editor.inner_text()
    assert NOTICE not in page.content()  # the text is in the form, not offered again

    page.select_option("#id_section", label="Africa")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    article = Article.objects.get()
    assert article.headline == "Floods close the coast road"
    assert article.slug == "floods-close-the-coast-road"
    assert "Water rose overnight near Lamu." in article.body
    assert article.section.slug == "africa"
    assert not Autosave.objects.filter(user=rita).exists()  # the save ended the draft

    page.goto(live_server.url + ADD)
    assert page.locator(".desk-autosave").count() == 0
    assert NOTICE not in page.content()
    page.context.close()
    assert page_errors == []


def test_a_new_articles_unsaved_text_can_be_discarded(
    chromium, live_server, django_user_model, page_errors, fast_autosave
):
    rita = staff(django_user_model, "rita", "Reporter")
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "rita")
    write_new_article(page, live_server, "A story to forget", "Nothing worth keeping.")

    # She leaves without saving: the form asks first, and she leaves anyway.
    dialogs = []

    def leave_anyway(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave_anyway)
    page.goto(live_server.url + ADD)
    assert dialogs == ["beforeunload"]
    notice = page.locator(".desk-autosave")
    assert "“A story to forget” was kept while you wrote." in notice.inner_text()

    with page.expect_navigation():
        notice.get_by_role("button", name="Discard it").click()
    assert page.url == live_server.url + ADD
    assert "Your autosaved text was discarded." in page.locator(".messagelist").inner_text()
    assert page.locator(".desk-autosave").count() == 0
    assert not Autosave.objects.filter(user=rita).exists()
    # A fresh, empty form, and nothing offered on the next one either.
    assert page.input_value("#id_headline") == ""
    assert page.locator("[contenteditable=true]").first.inner_text().strip() == ""
    page.goto(live_server.url + ADD)
    assert NOTICE not in page.content()
    assert page.input_value("#id_headline") == ""
    page.context.close()
    assert dialogs == ["beforeunload"]
    assert not Article.objects.exists()
    assert page_errors == []


def test_a_save_waits_for_an_autosave_on_its_way(
    chromium, live_server, django_user_model, page_errors, fast_autosave, monkeypatch
):
    # A slow network or server: the last autosave is still on its way when she saves. Kept
    # after the save had ended the draft, it would offer the saved story back as unsaved.
    make_section(name="Africa", slug="africa")
    rita = staff(django_user_model, "rita", "Reporter")
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "rita")
    write_new_article(page, live_server, "Ferry runs again", "The first crossing left at six.")
    kept_late = threading.Event()
    keep = autosave.keep

    def slow_keep(*args):
        time.sleep(1.5)
        keep(*args)
        kept_late.set()

    monkeypatch.setattr(autosave, "keep", slow_keep)
    with page.expect_request("**/desk/autosave/"):
        page.select_option("#id_section", label="Africa")  # a change: the next round sends
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    assert kept_late.wait(5)
    assert Article.objects.get().headline == "Ferry runs again"
    assert not Autosave.objects.filter(user=rita).exists()
    page.goto(live_server.url + ADD)
    assert NOTICE not in page.content()
    page.context.close()
    assert page_errors == []


def test_the_lead_photo_section_and_the_photos_words_come_back_with_the_text(
    chromium, live_server, django_user_model, page_errors, fast_autosave
):
    africa = make_section(name="Africa", slug="africa")
    rita = staff(django_user_model, "rita", "Reporter")
    photo = make_image(title="Harbour at dawn", uploaded_by=rita)
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "rita")
    page.goto(live_server.url + ADD)
    admin_ready(page)
    page.fill("#id_kicker", "EXCLUSIVE")
    page.locator("#id_headline").press_sequentially("Harbour rebuilt")
    page.select_option("#id_section", label="Africa")
    # Picked in the library's popup, which writes the id and says so as Django's does.
    page.evaluate(
        """(id) => {
            const input = document.getElementById("id_lead_image");
            input.value = id;
            django.jQuery(input).trigger("change");
        }""",
        str(photo.pk),
    )
    page.fill("#id_image_alt", "Cranes over the quay")
    page.fill("#id_image_caption", "The new quay")
    page.fill("#id_image_credit", "Rita")
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type("Stone by stone.")
    page.get_by_text("Autosaved at").wait_for()
    kept = kept_draft(rita, "Stone by stone.")
    assert kept.data["lead_image"] == str(photo.pk) and kept.data["section"] == str(africa.pk)
    page.context.close()  # the tab is closed: nothing was saved

    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "rita")
    page.goto(live_server.url + ADD)
    page.get_by_role("link", name="Restore my unsaved text").click()
    page.wait_for_url("**/add/?desk_restore=1")
    assert page.input_value("#id_headline") == "Harbour rebuilt"
    assert page.input_value("#id_kicker") == "EXCLUSIVE"
    assert page.input_value("#id_section") == str(africa.pk)
    assert page.input_value("#id_lead_image") == str(photo.pk)
    assert page.locator(".image-chooser__thumbnail").is_visible()
    assert page.input_value("#id_image_alt") == "Cranes over the quay"
    assert page.input_value("#id_image_caption") == "The new quay"
    assert page.input_value("#id_image_credit") == "Rita"
    assert "Stone by stone." in page.locator("[contenteditable=true]").first.inner_text()
    page.context.close()
    assert page_errors == []
