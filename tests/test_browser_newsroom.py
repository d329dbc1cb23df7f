"""The newsroom in a real browser: a reporter writes and submits, an editor previews and
publishes, and an anonymous reader finds the story everywhere, through the page cache."""

import feedparser
import pytest
from django.contrib.auth.models import Group, Permission

from articles.models import Article
from newsroom.roles import sync_roles

from .browser import DESKTOP, PHONE, open_page, screenshot
from .conftest import jpeg_bytes, make_article, make_section, uploaded_jpeg

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-browser-test-password"


def staff(django_user_model, username, group):
    sync_roles(Group, Permission)
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, server, username):
    page.goto(server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(server.url + "/admin/")


def test_reporter_writes_illustrates_tags_and_submits_but_cannot_publish(
    chromium, live_server, django_user_model, page_errors, tmp_path
):
    make_section(name="Middle East", slug="middle-east")
    staff(django_user_model, "rita", "Reporter")
    photo = tmp_path / "benghazi.jpg"
    photo.write_bytes(jpeg_bytes(size=(1600, 900)))
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "rita")
    page.goto(live_server.url + "/admin/articles/article/add/")

    page.locator("#id_headline").press_sequentially("Benghazi talks resume")
    assert page.input_value("#id_slug") == "benghazi-talks-resume"
    page.fill("#id_dek", "Envoys return to the table.")
    editor = page.locator("[contenteditable=true]").first
    editor.click()
    page.keyboard.type("Officials met ")
    page.keyboard.press("Control+b")
    page.keyboard.type("today")
    page.keyboard.press("Control+b")
    page.keyboard.type(". Read the report")
    for _ in range(6):
        page.keyboard.press("Shift+ArrowLeft")
    page.locator("[title='insert link']").first.click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.locator("input[name=href]").fill("https://example.com/report")
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")
    # Back in the editor, after the linked word: a full stop (typing makes the editor take
    # the collapsed selection), a new paragraph, then a list.
    editor.press("Control+End")
    page.keyboard.type(".")
    page.keyboard.press("Enter")
    page.locator("[title='unordered list']").first.click()
    page.keyboard.type("first point")
    page.keyboard.press("Enter")
    page.keyboard.type("second point")

    page.select_option("#id_section", label="Middle East")
    page.fill("#id_tags", "Libya, Benghazi")
    page.set_input_files("#id_featured_image", str(photo))
    page.fill("#id_image_alt", "Envoys around a table in Benghazi")
    page.fill("#id_image_caption", "Envoys in Benghazi")
    statuses = page.eval_on_selector_all("#id_status option", "os => os.map(o => o.value)")
    assert "published" not in statuses
    page.select_option("#id_status", "review")
    screenshot(page, "newsroom-1-reporter-form")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    assert "was added successfully" in page.content()

    article = Article.objects.get(slug="benghazi-talks-resume")
    assert article.status == Article.Status.REVIEW
    assert "<strong>today</strong>" in article.body
    assert 'href="https://example.com/report"' in article.body and ">report" in article.body
    assert "<ul><li><p>first point</p></li><li><p>second point</p></li></ul>" in article.body
    assert set(article.tags.names()) == {"Libya", "Benghazi"}
    assert article.lead_image and article.lead_image.renditions
    page.context.close()
    assert page_errors == []


def test_editor_previews_publishes_and_readers_see_it_everywhere(
    chromium, live_server, django_user_model, page_errors
):
    section = make_section(name="Middle East", slug="middle-east")
    make_article(section=section, headline="An older story", tags=["Libya"])
    article = make_article(
        section=section,
        headline="Benghazi talks resume",
        slug="benghazi-talks-resume",
        status=Article.Status.REVIEW,
        tags=["Libya"],
        featured_image=uploaded_jpeg(size=(1600, 900)),
        image_alt="Envoys",
    )
    staff(django_user_model, "erin", "Editor")
    reader = open_page(chromium, DESKTOP, page_errors)
    reader.goto(live_server.url + "/")  # warm the page cache without the story
    assert "Benghazi talks resume" not in reader.content()

    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "erin")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    with page.expect_popup() as popup:
        page.click("text=Preview as readers will see it")
    preview = popup.value
    preview.wait_for_load_state()
    assert "Benghazi talks resume" in preview.locator("h1").inner_text()
    assert "Readers cannot see this page yet" in preview.content()
    screenshot(preview, "newsroom-2-editor-preview")
    preview.close()
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert article.is_published()

    # A new visitor: the server's page cache was warmed before publishing (the first reader's
    # own browser may keep its copy for max-age seconds, as HTTP allows).
    reader.context.close()
    reader = open_page(chromium, DESKTOP, page_errors)
    for path in ["/", "/section/middle-east/", "/tag/libya/", "/search/?q=Benghazi"]:
        response = reader.goto(live_server.url + path)
        assert response.status == 200
        assert "Benghazi talks resume" in reader.content(), path
    screenshot(reader, "newsroom-3-reader-search")
    feed = feedparser.parse(reader.goto(live_server.url + "/feed/").body())
    assert "Benghazi talks resume" in [entry.title for entry in feed.entries]
    page.context.close()
    reader.context.close()
    assert page_errors == []


def test_reader_on_a_phone_finds_a_story_and_replies_with_the_keyboard_alone(
    chromium, demo_site, page_errors
):
    """Menu, live search, View All Result, the article, a reply with a mistake first (the
    form with its errors is checked by axe-core), then "awaiting moderation"."""
    from comments.models import Comment

    from .browser import PHONE, axe_violations

    live_server = demo_site
    reader = open_page(chromium, PHONE, page_errors, bypass_csp=True)
    reader.goto(live_server.url + "/")
    reader.click(".menu-button")
    assert reader.locator("#site-menu a", has_text="Middle East").is_visible()
    reader.keyboard.press("Escape")

    reader.locator("#site-search").press_sequentially("Libyan")
    options = reader.locator(".live-search__option:not(.live-search__all)")
    options.first.wait_for()
    assert "Libyan" in options.first.inner_text()
    screenshot(reader, "newsroom-4-phone-live-search")
    with reader.expect_navigation():
        reader.get_by_role("link", name="View All Result").click()
    assert "/search/?q=Libyan" in reader.url
    with reader.expect_navigation():
        reader.get_by_role(
            "link", name="US & Libyan Officials Discuss Military Cooperation"
        ).first.click()

    amina = Comment.objects.get(name="Amina")
    reader.locator(f'[data-reply-to="{amina.pk}"]').click()
    assert reader.evaluate("document.activeElement.id") == "id_body"
    reader.keyboard.type("Which funds are meant for Derna?")
    reader.keyboard.press("Tab")
    reader.keyboard.type("Yusuf")
    reader.keyboard.press("Tab")
    reader.keyboard.type("yusuf@example")  # the browser accepts it; the server does not
    with reader.expect_navigation():
        reader.keyboard.press("Enter")  # submits the form from the email field
    screenshot(reader, "newsroom-5-phone-comment-errors")
    assert "Enter a valid email address" in reader.content(), reader.url
    assert reader.input_value("#id_name") == "Yusuf"
    assert axe_violations(reader) == []

    reader.fill("#id_email", "yusuf@example.com")
    reader.locator("#id_email").press("Enter")
    reader.wait_for_url("**comment=*")
    assert reader.get_by_text("Your comment is awaiting moderation.").first.is_visible()
    assert Comment.objects.get(name="Yusuf").status == Comment.Status.PENDING
    screenshot(reader, "newsroom-6-phone-awaiting-moderation")
    reader.context.close()
    assert page_errors == []


def test_the_article_form_asks_before_unsaved_writing_is_left_and_fits_a_phone(
    chromium, live_server, django_user_model, page_errors
):
    make_section(name="Middle East", slug="middle-east")
    staff(django_user_model, "nadia", "Editor")
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = open_page(chromium, viewport, page_errors)
        log_in(page, live_server, "nadia")
        page.goto(live_server.url + "/admin/articles/article/add/")
        # Room for a real headline, and a body editor taller than one line.
        headline = page.locator("#id_headline").bounding_box()
        body = page.locator("[contenteditable=true]").first.bounding_box()
        assert headline["width"] >= min(viewport["width"] - 60, 600)
        assert body["height"] >= 200
        screenshot(page, f"admin-article-form-{name}")

        asked = []

        def dismiss(dialog, asked=asked):
            asked.append(dialog.type)
            dialog.dismiss()

        page.on("dialog", dismiss)
        # Nothing typed: leaving asks nothing.
        page.click(".breadcrumbs a >> nth=0")
        page.wait_for_url(live_server.url + "/admin/")
        assert asked == []
        page.goto(live_server.url + "/admin/articles/article/add/")
        page.locator("[contenteditable=true]").first.click()
        page.keyboard.type("Twenty minutes of writing")
        page.click(".breadcrumbs a >> nth=0", no_wait_after=True)
        page.wait_for_timeout(500)
        assert asked == ["beforeunload"]  # dismissed: the writer stays on the form
        assert page.url.endswith("/admin/articles/article/add/")
        editor_text = page.locator("[contenteditable=true]").first.inner_text()
        assert "Twenty minutes of writing" in editor_text
        page.close()
