"""Body blocks in a real browser: the demo story that uses every block, as a reader sees it
(embed facades make no third-party request until a click) and as a journalist edits it."""

import re
from urllib.parse import urlsplit

import pytest

from articles.models import Article

from .browser import DESKTOP, PHONE, axe_violations, open_page, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STORY = "stone-by-stone-an-old-city-rebuilds-its-harbour"
LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


def third_party(requests):
    return [url for url in requests if urlsplit(url).hostname not in LOOPBACK]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_story_with_every_block_requests_nothing_from_providers_until_a_click(
    chromium, demo_site, page_errors, viewport
):
    article = Article.objects.get(slug=STORY)
    page = open_page(chromium, viewport, page_errors)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(demo_site.url + article.get_absolute_url())
    page.mouse.wheel(0, 20000)  # every lazy image in view once
    page.wait_for_load_state("networkidle")
    assert third_party(requests) == []
    assert page.locator(".body-photo picture img").count() == 1
    assert page.locator(".gallery__item picture").count() == 3
    assert page.locator(".pullquote blockquote").is_visible()
    assert page.locator(".factbox a").get_attribute("href").startswith("/20")
    buttons = page.locator(".embed__load")
    assert buttons.count() == 2 and buttons.first.is_visible()
    name = "desktop" if viewport == DESKTOP else "phone"
    screenshot(page, f"blocks-story-{name}")

    # Only the provider that was asked for, and only its player, in a sandboxed frame.
    page.on("requestfailed", lambda request: None)
    page_errors.clear()
    buttons.first.click()
    frame = page.locator("iframe.embed__frame")
    assert frame.count() == 1
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/")
    assert "allow-scripts" in frame.get_attribute("sandbox")
    page.wait_for_timeout(300)
    hosts = {urlsplit(url).hostname for url in third_party(requests)}
    assert hosts <= {"www.youtube-nocookie.com"}
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_story_with_every_block_has_no_serious_accessibility_violation(
    chromium, demo_site, page_errors, viewport
):
    article = Article.objects.get(slug=STORY)
    page = open_page(chromium, viewport, page_errors, bypass_csp=True)
    page.goto(demo_site.url + article.get_absolute_url())
    assert axe_violations(page) == []
    # The gallery scrolls sideways on a phone: reachable with the keyboard.
    page.locator(".gallery__list").focus()
    assert page.evaluate("document.activeElement.classList.contains('gallery__list')")
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_tall_photo_in_a_gallery_leaves_no_gap_under_the_wide_ones(
    chromium, demo_site, page_errors, viewport
):
    """A portrait among landscapes made its row as tall as itself: on a phone a band of
    blank page under each wide photo, before its caption."""
    from articles.models import Image

    article = Article.objects.get(slug=STORY)
    tall = Image.objects.get(title="Harbour wall in Tripoli")  # 1200x1500
    gallery = re.search(r'data-images="([0-9,]+)"', article.body)
    article.body = article.body.replace(
        gallery.group(0), f'data-images="{tall.pk},{gallery.group(1)}"'
    )
    article.save()
    page = open_page(chromium, viewport, page_errors)
    page.goto(demo_site.url + article.get_absolute_url())
    page.mouse.wheel(0, 20000)
    page.wait_for_load_state("networkidle")
    frames = page.locator(".gallery__item img")
    assert frames.count() == 4
    heights = {round(frames.nth(i).bounding_box()["height"]) for i in range(4)}
    assert len(heights) == 1, heights  # one frame size, each photo whole inside it
    assert frames.first.evaluate("img => getComputedStyle(img).objectFit") == "contain"
    page.context.close()
    assert page_errors == []


def edit_the_story(chromium, site, errors, django_user_model):
    """An editor's browser on the demo story's change form, the body editor ready."""
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user(
        username="block-editor", password="a-long-test-password", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editor"))
    article = Article.objects.get(slug=STORY)
    page = open_page(chromium, {"width": 1366, "height": 1400}, errors)
    page.goto(f"{site.url}/admin/login/?next=/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", "block-editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_selector(".prose-block--photo")
    return page, article


def test_a_journalist_sees_the_blocks_in_the_editor_and_adds_a_pull_quote(
    chromium, demo_site, page_errors, django_user_model
):
    page, article = edit_the_story(chromium, demo_site, page_errors, django_user_model)
    for kind in ("photo", "gallery", "embed", "pullquote", "factbox"):
        assert page.locator(f".prose-block--{kind}").count() >= 1, kind
    # The photo block shows the library's thumbnail, fetched from the card endpoint.
    page.wait_for_selector(".prose-block--photo img")
    count = page.locator(".prose-word-count").inner_text()
    assert re.search(r"\d+ words · \d+ min read", count), count
    screenshot(page, "blocks-editor")

    # Insert a pull quote at the end with the menu button and its dialog, then save.
    page.locator(".ProseMirror p").last.click()
    page.keyboard.press("End")
    page.locator("[title='Pull quote']").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.locator("textarea[name=quote]").fill("Every stone has a number.")
    dialog.locator("input[name=attribution]").fill("The site engineer")
    dialog.locator("button[type=submit]").click()
    page.wait_for_selector(".prose-block--pullquote >> text=Every stone has a number.")
    # Typing on goes after the new block: it used to stay selected, and the first key
    # pressed replaced it.
    page.keyboard.type("Typed after the quote.")
    page.locator("input[name=_continue]").first.click()
    page.wait_for_selector(".messagelist .success")
    body = Article.objects.get(pk=article.pk).body
    assert (
        '<aside data-block="pullquote" data-quote="Every stone has a number." '
        'data-attribution="The site engineer"></aside><p>Typed after the quote.</p>'
    ) in body
    # Nothing else changed in the blocks that were there.
    assert body.count('data-block="embed"') == 2 and body.count('data-block="gallery"') == 1
    errors = [e for e in page_errors if "youtube" not in e]
    assert errors == []
    page.context.close()


def test_an_address_no_provider_can_show_is_explained_and_kept_as_a_link(
    chromium, demo_site, page_errors, django_user_model
):
    page, _article = edit_the_story(chromium, demo_site, page_errors, django_user_model)
    page.locator(".ProseMirror p").last.click()
    messages = []
    page.on("dialog", lambda alert: (messages.append(alert.message), alert.accept()))
    page.locator("[title='Embed']").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.locator("input[name=url]").fill("https://unknown.example/video/1")
    dialog.locator("button[type=submit]").click()
    link = page.wait_for_selector(".ProseMirror a[href='https://unknown.example/video/1']")
    assert messages and "cannot be embedded" in messages[0] and "plain link" in messages[0]
    page.keyboard.type("Typed after the link.")  # plain text, not more of the link
    assert link.inner_text() == "https://unknown.example/video/1"
    body = page.locator(".ProseMirror[contenteditable=true]").inner_text()
    assert "Typed after the link." in body
    page.context.close()


def test_a_fact_boxs_line_breaks_reach_readers_and_come_back_when_it_is_edited_again(
    chromium, demo_site, page_errors, django_user_model
):
    page, article = edit_the_story(chromium, demo_site, page_errors, django_user_model)
    lines = "Length: 2 km.\nCost: $40m."
    page.locator(".prose-block--factbox").first.get_by_role("button", name="Edit").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.locator("textarea[name=text]").fill(lines)
    dialog.locator("button[type=submit]").click()
    shown = page.locator(".prose-block--factbox .prose-block__lines").first
    page.wait_for_selector(".prose-block--factbox >> text=Cost: $40m.")
    assert shown.inner_text() == lines
    page.locator("input[name=_continue]").first.click()
    page.wait_for_selector(".messagelist .success")
    assert f'data-text="{lines}"' in Article.objects.get(pk=article.pk).body

    page.goto(demo_site.url + article.get_absolute_url())
    text = page.locator(".factbox p:not(.factbox__title):not(.factbox__related)")
    assert text.inner_text() == lines
    assert text.inner_html() == "Length: 2 km.<br>Cost: $40m."

    page.goto(f"{demo_site.url}/admin/articles/article/{article.pk}/change/")
    page.locator(".prose-block--factbox").first.get_by_role("button", name="Edit").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    assert dialog.locator("textarea[name=text]").input_value() == lines
    errors = [e for e in page_errors if "youtube" not in e]
    assert errors == []
    page.context.close()
