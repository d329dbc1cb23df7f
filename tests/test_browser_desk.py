"""The desk in two real browser sessions: a reporter and an editor in the same story see each
other, the editor takes it over, and the reporter's save from the older form is refused with
the text kept, then saved knowingly."""

import pytest
from django.utils import timezone

from articles.desk import autosave, presence
from articles.desk.models import Autosave
from articles.models import Article

from .browser import DESKTOP, PHONE, open_page, screenshot
from .conftest import make_article, make_section
from .test_browser_newsroom import log_in, staff
from .test_desk_overview import submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def fast_polls(monkeypatch):
    # The form asks once a second instead of every ten: the test waits for what a person
    # would see on the next poll, not for a clock.
    monkeypatch.setattr(presence, "POLL_SECONDS", 1)


def named(user, first_name):
    user.first_name = first_name
    user.save()
    return user


def test_two_sessions_presence_take_over_and_a_refused_overwrite(
    chromium, live_server, django_user_model, page_errors, fast_polls
):
    rita = named(staff(django_user_model, "rita", "Reporter"), "Rita")
    named(staff(django_user_model, "erin", "Editor"), "Erin")
    article = make_article(
        section=make_section(name="Africa", slug="africa"),
        status=Article.Status.DRAFT,
        headline="Port reopens",
        dek="Ships return after the storm.",
        body="<p>The port reopened on Monday.</p>",
        created_by=rita,
    )
    form_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"

    reporter = open_page(chromium, DESKTOP, page_errors)
    log_in(reporter, live_server, "rita")
    reporter.goto(form_url)
    editor = open_page(chromium, PHONE, page_errors)
    log_in(editor, live_server, "erin")
    editor.goto(form_url)

    # Each sees the other: the editor at once, the reporter on her next poll.
    assert (
        "Rita is editing this article" in editor.locator("[data-desk-presence-text]").inner_text()
    )
    reporter.get_by_text("Also in this article: Erin.").wait_for()

    # The editor takes over; the reporter is told on her next poll.
    editor.get_by_role("button", name="Take over").click()
    editor.get_by_role("button", name="Take over").wait_for(state="hidden")
    reporter.get_by_text("Erin took this article over.").wait_for()

    # The editor saves first; the reporter's save from her older form is refused.
    editor.fill("#id_headline", "Port reopens after the storm")
    editor.click("input[name=_continue]")
    editor.wait_for_url(form_url)
    # The reporter hears of the save on her next poll, before she saves.
    reporter.get_by_text("Erin saved this article at").wait_for()
    assert (
        "Your text stays in the form" in reporter.locator("[data-desk-presence-note]").inner_text()
    )
    reporter.fill("#id_dek", "Ships are back in the harbour.")
    reporter.click("input[name=_continue]")
    reporter.wait_for_load_state()
    text = reporter.locator("#content").inner_text()
    assert "Not saved: Erin saved this article at" in text
    assert reporter.input_value("#id_dek") == "Ships are back in the harbour."  # kept
    # Their headline's words struck through, her summary underlined.
    conflict = reporter.locator(".desk-conflict")
    assert conflict.locator("del", has_text="after the storm").count() == 1
    assert conflict.locator("ins", has_text="are back in").count() == 1
    screenshot(reporter, "desk-conflict-desktop")
    article.refresh_from_db()
    assert article.dek == "Ships return after the storm."

    # Knowingly: she ticks "Replace their version with mine" and saves again.
    reporter.check("#id_desk_replace")
    reporter.click("input[name=_continue]")
    reporter.wait_for_url(form_url)
    assert "was changed successfully" in reporter.content()
    article.refresh_from_db()
    assert article.dek == "Ships are back in the harbour."
    assert article.headline == "Port reopens"  # her form's headline: she replaced theirs
    assert article.history.filter(headline="Port reopens after the storm").exists()
    # Leaving the form says so at once (and the test's database is quiet before teardown).
    for page in (reporter, editor):
        page.goto(live_server.url + "/admin/")
    for _ in range(100):  # bounded: the two beacons arrive within moments
        if not presence.beat(article.pk, rita).others:
            break
        reporter.wait_for_timeout(100)
    assert presence.beat(article.pk, rita).others == []
    presence.leave(article.pk, rita)
    reporter.context.close()
    editor.context.close()
    assert page_errors == []


@pytest.fixture
def ritas_draft(django_user_model, fast_polls, monkeypatch):
    """A reporter's draft, autosaved every second."""
    monkeypatch.setattr(autosave, "SECONDS", 1)
    rita = named(staff(django_user_model, "rita", "Reporter"), "Rita")
    article = make_article(
        section=make_section(name="Africa", slug="africa"),
        status=Article.Status.DRAFT,
        headline="Port reopens",
        dek="Ships return.",
        body="<p>The port reopened.</p>",
        created_by=rita,
    )
    return rita, article


def test_autosave_survives_a_crash_and_is_restored_after_reopening(
    chromium, live_server, page_errors, ritas_draft
):
    rita, article = ritas_draft
    form_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "rita")
    page.goto(form_url)
    page.fill("#id_dek", "Ships return after twenty minutes of writing.")
    editor = page.locator("[contenteditable=true]").first
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Dockers cheered.")
    page.get_by_text("Autosaved at").wait_for()
    page.context.close()  # the browser crashes: nothing was saved
    article.refresh_from_db()
    assert article.dek == "Ships return."

    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "rita")
    page.goto(form_url)
    assert "You have unsaved text from" in page.locator(".desk-autosave").inner_text()
    page.get_by_role("link", name="Restore my unsaved text").click()
    page.wait_for_load_state()
    assert page.input_value("#id_dek") == "Ships return after twenty minutes of writing."
    assert "Dockers cheered." in page.locator("[contenteditable=true]").first.inner_text()
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    article.refresh_from_db()
    assert article.dek == "Ships return after twenty minutes of writing."
    assert "Dockers cheered." in article.body
    assert "You have unsaved text" not in page.content()
    page.goto(live_server.url + "/admin/")
    presence.leave(article.pk, rita)
    page.context.close()
    assert page_errors == []


def test_signed_out_in_another_tab_the_autosave_says_so_and_the_save_keeps_the_text(
    chromium, live_server, page_errors, ritas_draft
):
    rita, article = ritas_draft
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "rita")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    other_tab = page.context.new_page()
    other_tab.goto(live_server.url + "/admin/")
    with other_tab.expect_navigation():
        other_tab.locator("#logout-form button, #logout-form input[type=submit]").click()
    other_tab.close()
    page.fill("#id_dek", "Twenty minutes of careful writing.")
    page.get_by_text("you are signed out").wait_for()
    assert "Autosaved at" not in page.locator("[data-desk-presence]").inner_text()
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert "You were signed out" in page.content()
    assert "Twenty minutes of careful writing." in page.content()
    article.refresh_from_db()
    assert article.dek == "Ships return."
    # Signed in again in a new tab: "Send again" goes through at the first click, with the
    # new session's token (Django changed it at the sign-in).
    other_tab = page.context.new_page()
    log_in(other_tab, live_server, "rita")
    other_tab.close()
    with page.expect_navigation():
        page.get_by_role("button", name="Send again").click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    article.refresh_from_db()
    assert article.dek == "Twenty minutes of careful writing."
    presence.leave(article.pk, rita)
    page.context.close()
    # The autosave and presence requests after signing out were answered 401, nothing else.
    assert page_errors and all(error.startswith("401: ") for error in page_errors)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_overview_and_a_comparison_have_no_serious_accessibility_violations(
    chromium, live_server, django_user_model, page_errors, viewport
):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import DailyViews

    from .browser import axe_violations

    named(staff(django_user_model, "erin", "Editor"), "Erin")
    section = make_section(name="Africa", slug="africa")
    story = make_article(section=section, headline="Port reopens", dek="Ships return.")
    story.dek = "Ships return after the storm."
    story.save()
    DailyViews.objects.create(article=story, day=timezone.localdate(), views=120)
    DailyViews.objects.create(article=story, day=timezone.localdate() - timedelta(days=3), views=40)
    page = open_page(chromium, viewport, page_errors, bypass_csp=True)
    log_in(page, live_server, "erin")
    problems = {}
    for path in (
        "/admin/articles/article/overview/",
        f"/admin/articles/article/{story.pk}/history/compare/",
    ):
        page.goto(live_server.url + path)
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
    page.context.close()
    assert problems == {}
    assert page_errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_long_unbroken_word_sent_back_wraps_inside_its_card(
    chromium, live_server, django_user_model, page_errors, viewport
):
    from articles.desk.models import ReviewNote

    reporter = staff(django_user_model, "rita", "Reporter")
    draft = make_article(status=Article.Status.DRAFT, headline="Port reopens", created_by=reporter)
    url = "https://example.com/" + "a" * 100  # 120 characters, no place to break
    ReviewNote.objects.create(article=draft, text=f"See {url} first.")
    page = open_page(chromium, viewport, page_errors)
    log_in(page, live_server, "rita")
    page.goto(live_server.url + "/admin/articles/article/overview/")
    edges = page.evaluate(
        """() => {
        const card = document.querySelector('[aria-labelledby="desk-back-title"]');
        const note = card.querySelector('q');
        const right = (el) => el.getBoundingClientRect().right;
        return {
            note: right(note), card: right(card),
            overview: right(document.querySelector('.desk-overview')),
            page: document.documentElement.scrollWidth, window: window.innerWidth,
        };
    }"""
    )
    page.context.close()
    assert edges["note"] <= edges["card"] <= edges["overview"], edges
    assert edges["page"] <= edges["window"], edges
    assert page_errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_views_chart_fits_the_screen_and_the_tables_keep_their_words_whole(
    chromium, live_server, django_user_model, page_errors, viewport
):
    """On a phone the chart had to be scrolled sideways, and the tables' columns were
    squeezed until "Submitted by" and the view counts broke in the middle."""
    from articles.models import DailyViews

    editor = staff(django_user_model, "edna", "Editor")
    story = make_article(headline="Harbour reopens after the storm")
    DailyViews.objects.create(article=story, day=timezone.localdate(), views=53176)
    submit(make_article(status=Article.Status.DRAFT, created_by=editor), editor, timezone.now())
    page = open_page(chromium, viewport, page_errors)
    log_in(page, live_server, "edna")
    page.goto(live_server.url + "/admin/articles/article/overview/")
    shown = page.locator(".desk-chart__scroll svg:visible")
    assert shown.count() == 2  # one line and one bar chart, at the screen's width
    width = "360" if viewport == PHONE else "720"
    for chart in shown.all():
        assert chart.get_attribute("viewBox").split()[2] == width
    assert page.evaluate(
        """() => [...document.querySelectorAll('.desk-chart__scroll')]
                  .every(box => box.scrollWidth <= box.clientWidth)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # No word broken across two lines: each cell at least as wide as its longest word.
    for cell in ("th:text-is('Submitted by')", ".desk-chart__table td:text-is('53,176')"):
        assert page.locator(cell).first.evaluate(WIDEST_WORD_FITS), cell
    page.context.close()
    assert page_errors == []


WIDEST_WORD_FITS = """el => {
    const probe = document.createElement('span');
    probe.style.whiteSpace = 'nowrap';
    el.appendChild(probe);
    let widest = 0;
    for (const word of el.textContent.trim().split(/\\s+/)) {
        probe.textContent = word;
        widest = Math.max(widest, probe.getBoundingClientRect().width);
    }
    probe.remove();
    const style = getComputedStyle(el);
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return room + 0.5 >= widest;
}"""


def test_the_autosave_resumes_by_itself_after_signing_in_again_in_another_tab(
    chromium, live_server, page_errors, ritas_draft
):
    rita, article = ritas_draft
    page = open_page(chromium, DESKTOP, page_errors)
    log_in(page, live_server, "rita")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    status = page.locator("[data-desk-autosave-status]")
    page.context.clear_cookies(name="sessionid")  # the session ran out
    page.fill("#id_dek", "Twenty minutes of careful writing.")
    page.get_by_text("you are signed out").wait_for()
    # Signed in again in another tab: Django gives the session a new security token.
    other_tab = page.context.new_page()
    log_in(other_tab, live_server, "rita")
    other_tab.close()
    page.fill("#id_dek", "Twenty minutes of careful writing, and more.")
    page.get_by_text("Autosaved at").wait_for()
    assert "failed" not in status.inner_text()
    kept = Autosave.objects.get(article=article, user=rita)
    assert kept.data["dek"] == "Twenty minutes of careful writing, and more."
    page.goto(live_server.url + "/admin/")
    presence.leave(article.pk, rita)
    page.context.close()
    # Only the requests sent while signed out were refused (401), none after signing in.
    assert all(error.startswith("401: ") for error in page_errors)
