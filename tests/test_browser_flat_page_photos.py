"""An editor puts a library photo on a flat page with the story editor's Photo button, and
readers see it on the page (desktop and phone)."""

import contextlib

import pytest
from django.contrib.flatpages.models import FlatPage
from playwright.sync_api import Error as PlaywrightError

from articles.models import Image

from .browser import DESKTOP, PHONE, open_page, screenshot
from .test_browser_newsroom import log_in, staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_editor_puts_a_library_photo_on_the_about_page(
    chromium, demo_site, page_errors, django_user_model
):
    staff(django_user_model, "page-editor", "Editor")
    about = FlatPage.objects.get(url="/about/")
    photo = Image.objects.exclude(file="").order_by("pk").last()
    page = open_page(chromium, {"width": 1366, "height": 1200}, page_errors)
    log_in(page, demo_site, "page-editor")
    page.goto(f"{demo_site.url}/admin/flatpages/flatpage/{about.pk}/change/")
    page.wait_for_selector("[title='Photo']")
    page.locator(".ProseMirror:visible p").last.click()
    page.keyboard.press("End")
    with page.expect_popup() as opened:
        page.locator("[title='Photo']").click()
    popup = opened.value
    popup.wait_for_load_state()
    popup.fill("#searchbar", photo.title)
    popup.keyboard.press("Enter")
    popup.wait_for_url("**q=*")
    popup.wait_for_load_state()
    # The library's lookup popup hands the photo's number back and closes itself.
    with contextlib.suppress(PlaywrightError):
        popup.locator(f'a[data-popup-opener="{photo.pk}"]').first.click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.wait_for()
    assert dialog.locator("input[name=image]").input_value() == str(photo.pk)
    dialog.locator("textarea[name=caption]").fill("Our newsroom at dawn")
    dialog.locator("button[type=submit]").click()
    page.wait_for_selector(".prose-block--photo img")  # the library's thumbnail
    screenshot(page, "flat-page-editor-photo")
    page.locator("input[name=_continue]").first.click()
    page.wait_for_selector(".messagelist .success")
    assert f'data-image="{photo.pk}"' in FlatPage.objects.get(pk=about.pk).content
    page.context.close()

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        reader = open_page(chromium, viewport, page_errors)
        reader.goto(f"{demo_site.url}/about/")
        figure = reader.locator("figure.body-photo")
        figure.wait_for()
        assert "Our newsroom at dawn" in figure.inner_text()
        width = reader.evaluate(
            "() => document.querySelector('figure.body-photo img').naturalWidth"
        )
        assert width > 0  # the file answers at its public address
        screenshot(reader, f"flat-page-photo-{name}")
        reader.context.close()
    assert page_errors == []
