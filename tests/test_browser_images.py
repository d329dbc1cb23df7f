"""Responsive images in a real browser: phones get small files and nothing jumps as they load."""

import contextlib
from datetime import timedelta

import pytest
from playwright.sync_api import Error as PlaywrightError

from articles.models import Image as LibraryImage

from .browser import DESKTOP, PHONE, admin_ready, open_page, screenshot
from .conftest import jpeg_bytes, make_article, make_section, uploaded_jpeg

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Adds up layout shifts (what Core Web Vitals calls CLS) from the first paint on.
COUNT_LAYOUT_SHIFTS = """
window.layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.layoutShift += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.fixture
def illustrated_site(live_server):
    section = make_section(name="World", slug="world")
    lead = make_article(
        section=section,
        headline="Ministers meet in Benghazi",
        featured_image=uploaded_jpeg("lead.jpg", size=(2000, 1500), color=(30, 60, 110)),
        image_alt="Ministers around a table",
        image_caption="Ministers meet",
    )
    for n in range(4):
        make_article(
            section=section,
            featured_image=uploaded_jpeg(f"card{n}.jpg", size=(1600, 900), color=(140, 40 * n, 60)),
            image_alt=f"Picture {n}",
        )
    return live_server.url, lead


def load(page, url):
    page.add_init_script(COUNT_LAYOUT_SHIFTS)
    page.goto(url)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")


def shown(page, selector):
    return page.locator(selector).first.evaluate(
        "img => ({src: img.currentSrc, width: img.getAttribute('width'),"
        " height: img.getAttribute('height'), loaded: img.complete && img.naturalWidth > 0})"
    )


def test_phone_gets_small_renditions_and_no_layout_shift(chromium, illustrated_site, page_errors):
    base, lead = illustrated_site
    page = open_page(chromium, PHONE, page_errors)
    for path, selector, crop in [
        ("/", ".lead__media img", "16x9"),
        (lead.get_absolute_url(), ".article__figure img", "original"),
    ]:
        load(page, base + path)
        image = shown(page, selector)
        # 390 CSS px at 1x: the 640 px WebP, not the 2000 px upload.
        assert image["src"].endswith(f".{crop}-640w.webp"), image["src"]
        assert image["loaded"] and image["width"] and image["height"]
        assert page.evaluate("window.layoutShift") < 0.01
        screenshot(page, f"images-{'home' if path == '/' else 'article'}-phone")
    page.context.close()
    assert page_errors == []


def test_sharp_phone_screen_gets_the_1280_rendition(chromium, illustrated_site, page_errors):
    base, lead = illustrated_site
    context = chromium.new_context(viewport=PHONE, device_scale_factor=3)
    page = context.new_page()
    page.goto(base + lead.get_absolute_url())
    page.wait_for_load_state("networkidle")
    # 390 CSS px x 3 = 1170 device pixels: the next size up.
    assert shown(page, ".article__figure img")["src"].endswith(".original-1280w.webp")
    context.close()


def test_desktop_shows_every_image_at_its_slot(chromium, illustrated_site, page_errors):
    base, lead = illustrated_site
    make_article(  # one of Popular News without a photo
        section=lead.section,
        headline="Text only",
        publish_at=lead.publish_at - timedelta(seconds=1),
    )
    page = open_page(chromium, DESKTOP, page_errors)
    load(page, base + "/")
    cards = page.locator(".card__media img")
    assert cards.count() >= 3
    for index in range(cards.count()):
        assert cards.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.evaluate("window.layoutShift") < 0.01
    # Popular News: each thumbnail sits beside its headline, not above it.
    thumb = page.locator(".popular__item img").first.bounding_box()
    headline = page.locator(".popular__item a").first.bounding_box()
    assert headline["x"] > thumb["x"] + thumb["width"] and headline["y"] < thumb["y"] + 10
    # One without a photo keeps the column (its rank stands in), its headline in line.
    text_only = page.locator(".popular__item", has_text="Text only")
    assert text_only.locator(".popular__thumb").bounding_box()["width"] == thumb["width"]
    assert text_only.locator("a").bounding_box()["x"] == headline["x"]
    screenshot(page, "images-home-desktop")
    load(page, base + lead.get_absolute_url())
    screenshot(page, "images-article-desktop")
    page.context.close()
    assert page_errors == []


def test_editor_sets_the_focal_point_by_clicking_the_image(
    chromium, illustrated_site, page_errors, editor
):
    base, lead = illustrated_site
    page = open_page(chromium, DESKTOP, page_errors)
    page.goto(f"{base}/admin/login/?next=/admin/articles/image/{lead.lead_image_id}/change/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    picture = page.locator("[data-focal-picker] img")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert abs(float(page.input_value("#id_focal_x")) - 0.25) < 0.02
    assert abs(float(page.input_value("#id_focal_y")) - 0.75) < 0.02
    assert page.locator(".focal-picker__marker").is_visible()
    page.click("input[name=_continue]")
    photo = lead.lead_image
    photo.refresh_from_db()
    assert abs(photo.focal_x - 0.25) < 0.02 and "16:9" in photo.renditions["crops"]
    page.context.close()
    assert page_errors == []


def test_editor_chooses_a_library_photo_from_the_article_form_with_the_keyboard(
    chromium, illustrated_site, page_errors, editor
):
    base, lead = illustrated_site
    photo = lead.lead_image
    page = open_page(chromium, DESKTOP, page_errors)
    page.goto(f"{base}/admin/login/?next=/admin/articles/article/add/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/articles/article/add/")
    admin_ready(page)
    page.focus("#lookup_id_lead_image")
    with page.expect_popup() as opened:
        page.keyboard.press("Enter")
    popup = opened.value
    popup.wait_for_load_state()
    popup.fill("#searchbar", photo.title)
    popup.keyboard.press("Enter")
    popup.wait_for_url("**q=*")
    popup.wait_for_load_state()
    choice = popup.locator(f'a[data-popup-opener="{photo.pk}"]').first
    choice.focus()
    # The popup closes itself as it hands the id back: the key press outlives its page.
    with contextlib.suppress(PlaywrightError):
        popup.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('id_lead_image').value !== ''")
    assert popup.is_closed()
    assert page.input_value("#id_lead_image") == str(photo.pk)
    # The picked photo shows at once, with its title (and caption, credit): the library's card.
    picked = page.locator(".image-chooser__picked")
    page.wait_for_function(
        "title => document.querySelector('.image-chooser__picked').textContent.startsWith(title)",
        arg=photo.title,
    )
    thumbnail = page.locator(".image-chooser__thumbnail")
    thumbnail.wait_for(state="visible")
    assert thumbnail.is_visible() and thumbnail.get_attribute("alt") == photo.alt
    assert (
        page.evaluate("() => document.querySelector('.image-chooser__thumbnail').naturalWidth") > 0
    )
    assert photo.title in picked.inner_text()
    screenshot(page, "library-chooser-picked")
    page.context.close()
    assert page_errors == []


def test_editor_uploads_a_photo_in_the_chooser_and_it_becomes_the_lead(
    chromium, illustrated_site, page_errors, editor, tmp_path
):
    base, _lead = illustrated_site
    photo = tmp_path / "quay.jpg"
    photo.write_bytes(jpeg_bytes(size=(1600, 900)))
    page = open_page(chromium, DESKTOP, page_errors)
    page.goto(f"{base}/admin/login/?next=/admin/articles/article/add/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/articles/article/add/")
    admin_ready(page)
    with page.expect_popup() as opened:
        page.click("#lookup_id_lead_image")
    popup = opened.value
    popup.wait_for_load_state()
    popup.click(".object-tools a.addlink")
    popup.wait_for_url("**/admin/articles/image/add/**")
    popup.set_input_files("#id_file", str(photo))
    popup.fill("#id_title", "Quay at dusk")
    popup.fill("#id_alt", "Boats tied up along the quay")
    with contextlib.suppress(PlaywrightError):
        popup.click("input[name=_save]")
    page.wait_for_function("() => document.getElementById('id_lead_image').value !== ''")
    chosen = LibraryImage.objects.get(title="Quay at dusk")
    assert page.input_value("#id_lead_image") == str(chosen.pk)
    assert chosen.renditions and chosen.uploaded_by == editor
    page.context.close()
    assert page_errors == []
