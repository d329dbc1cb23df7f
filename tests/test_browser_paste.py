"""Pasting into the story editor in a real browser: the clipboard HTML Google Docs and Word
put there, delivered in a paste event as the browser delivers it, and what the story then
saves. Bold and italic words, headings, lists and links are the author's; nothing else is."""

import re
from pathlib import Path

import pytest

from articles.models import Article

from .browser import DESKTOP, open_page
from .conftest import make_article
from .test_browser_newsroom import log_in, staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CLIPBOARD = Path(__file__).resolve().parent / "fixtures" / "clipboard"
# Google Docs (Chrome): the whole paste inside <b style="font-weight:normal" id="docs-
# internal-guid-…">, every run of text a span whose style says its weight and slant.
GOOGLE_DOCS = (CLIPBOARD / "google_docs.html").read_text()
# Word for Windows: a "Heading 1", bold and italic as Word writes them (its mso-bidi-*
# styles included), a footnote reference, a bulleted list with a second level, a numbered
# one with a lettered second level (its markers inside conditional comments as Word for Mac
# writes them), a "Heading 5" and the footnote itself.
WORD = (CLIPBOARD / "word.html").read_text()


def paste(page, html, text):
    """What the browser does on Ctrl+V: a paste event carrying the clipboard's contents."""
    page.evaluate(
        """([html, text]) => {
            const data = new DataTransfer()
            data.setData("text/html", html)
            data.setData("text/plain", text)
            const event = new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            })
            document.querySelector(".ProseMirror[contenteditable=true]").dispatchEvent(event)
        }""",
        [html, text],
    )


def pasted_and_saved(chromium, server, errors, django_user_model, html, text):
    """An editor pastes into an empty story and saves it: the body as stored."""
    staff(django_user_model, "erin", "Editor")
    article = make_article(status=Article.Status.DRAFT, body="")
    page = open_page(chromium, DESKTOP, errors)
    log_in(page, server, "erin")
    page.goto(f"{server.url}/admin/articles/article/{article.pk}/change/")
    page.locator(".ProseMirror[contenteditable=true]").click()
    paste(page, html, text)
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert page.locator(".messagelist .success").count() == 1
    page.context.close()
    return Article.objects.get(pk=article.pk).body


def without_link_attributes(body):
    return re.sub(r"<a href=\"([^\"]*)\"[^>]*>", r'<a href="\1">', body)


def test_a_google_docs_paste_keeps_its_bold_and_italic_words_and_bolds_nothing_else(
    chromium, live_server, page_errors, django_user_model
):
    body = pasted_and_saved(
        chromium,
        live_server,
        page_errors,
        django_user_model,
        GOOGLE_DOCS,
        "Harbour works resume\nThe quay was rebuilt, stone by stone. See the report.\n"
        "Length: 2 km\nCost: $40m",
    )
    assert without_link_attributes(body) == (
        "<h2>Harbour works resume</h2>"
        "<p>The quay was <strong>rebuilt</strong>, stone by <em>stone</em>. "
        'See <a href="https://example.org/report">the report</a>.</p>'
        "<ul><li><p>Length: 2 km</p></li><li><p>Cost: $40m</p></li></ul>"
    )
    assert page_errors == []


def test_a_word_paste_keeps_its_main_heading_lists_and_footnote_text(
    chromium, live_server, page_errors, django_user_model
):
    body = pasted_and_saved(
        chromium,
        live_server,
        page_errors,
        django_user_model,
        WORD,
        "Rebuilding the harbour\nThe council met on Monday and agreed[1].",
    )
    assert without_link_attributes(body) == (
        "<h2>Rebuilding the harbour</h2>"
        "<p>The council met on <strong>Monday</strong> and <em>agreed</em>[1].</p>"
        "<ul><li><p>Stone from the old quay</p>"
        "<ul><li><p>numbered and stored</p></li></ul></li>"
        "<li><p>New piles</p></li></ul>"
        "<p>The works, in order:</p>"
        '<ol data-type="decimal"><li><p>Survey</p>'
        '<ol data-type="lower-alpha" type="a"><li><p>with divers</p></li></ol></li>'
        "<li><p>Rebuild</p></li></ol>"
        "<h4>Small print</h4>"
        "<p>[1] Council minutes.</p>"
    )
    assert page_errors == []
