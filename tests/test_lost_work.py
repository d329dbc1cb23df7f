"""Nothing a journalist typed is lost to a refused form or a page left by mistake."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article

from .conftest import make_article
from .test_admin import article_form

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
BODY = "<p>Twenty minutes of careful writing about the talks in Benghazi.</p>"


def _token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_form_refused_after_signing_in_again_keeps_the_text_and_sends_it_again(editor, section):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    old_token = _token(client.get(ADD_URL).content.decode())
    # Signed in again in another tab: Django rotates the CSRF secret in the cookie.
    client.cookies["csrftoken"] = "n" * 32
    data = {**article_form(section, body=BODY), "csrfmiddlewaretoken": old_token}
    refused = client.post(ADD_URL, data, HTTP_REFERER=f"http://testserver{ADD_URL}")
    page = refused.content.decode()
    assert refused.status_code == 403
    assert refused["Cache-Control"] == "private, no-store"
    assert "Nothing was saved yet" in page
    assert "Twenty minutes of careful writing" in page
    assert not Article.objects.exists()

    again = {**data, "csrfmiddlewaretoken": _token(page)}
    saved = client.post(ADD_URL, again, HTTP_REFERER=f"http://testserver{ADD_URL}")
    assert saved.status_code == 302
    assert Article.objects.get().body == BODY


def test_a_form_posted_from_another_site_is_not_shown_back(editor, section):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    data = {**article_form(section, body="<p>Planted text</p>"), "csrfmiddlewaretoken": "x" * 32}
    refused = client.post(ADD_URL, data, HTTP_ORIGIN="https://evil.example")
    page = refused.content.decode()
    assert refused.status_code == 403
    assert "Planted text" not in page
    assert "Send again" not in page


def test_passwords_are_never_shown_back(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    url = reverse("admin:password_change")
    refused = client.post(
        url,
        {
            "old_password": "old-secret-1",
            "new_password1": "n-secret-2",
            "csrfmiddlewaretoken": "y" * 32,
        },
        HTTP_REFERER=f"http://testserver{url}",
    )
    page = refused.content.decode()
    assert refused.status_code == 403
    assert "old-secret-1" not in page and "n-secret-2" not in page


def test_the_article_form_warns_before_unsaved_changes_are_left(client, editor):
    client.force_login(editor)
    page = client.get(ADD_URL).content.decode()
    assert "js/admin_unsaved" in page


def test_a_form_sent_after_signing_out_in_another_tab_keeps_the_text(editor, section):
    """The admin would answer with its login page, and the text typed would be gone."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    token = _token(client.get(ADD_URL).content.decode())
    csrf_cookie = client.cookies["csrftoken"].value
    client.logout()  # another tab, or the session ran out: the session goes, the CSRF
    client.cookies["csrftoken"] = csrf_cookie  # cookie stays (the test client drops both)
    data = {**article_form(section, body=BODY), "csrfmiddlewaretoken": token}
    refused = client.post(ADD_URL, data, HTTP_REFERER=f"http://testserver{ADD_URL}")
    page = refused.content.decode()
    assert refused.status_code == 403 and refused["Cache-Control"] == "private, no-store"
    assert "You were signed out" in page and "Twenty minutes of careful writing" in page
    assert "TOTAL_FORMS" not in page.split("What you sent")[1]  # only what was typed is shown
    assert not Article.objects.exists()

    client.force_login(editor)  # signed in again in a new tab, then "Send again"
    again = {**data, "csrfmiddlewaretoken": _token(page)}
    saved = client.post(ADD_URL, again, HTTP_REFERER=f"http://testserver{ADD_URL}")
    assert saved.status_code == 302
    assert Article.objects.get().body == BODY


def test_the_kept_text_is_labelled_as_the_form_labels_it(editor, section):
    """Summary, not "Dek"; a correction's text under its row's name; a ticked box as yes."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    token = _token(client.get(ADD_URL).content.decode())
    csrf_cookie = client.cookies["csrftoken"].value
    client.logout()
    client.cookies["csrftoken"] = csrf_cookie
    data = {
        **article_form(section, body=BODY, dek="The talks resumed at dawn."),
        "notices-TOTAL_FORMS": "1",
        "notices-0-kind": "correction",
        "notices-0-text": "An earlier version misnamed the minister.",
        "publish_at_0": "2026-12-08",
        "publish_at_1": "09:30",
        "initial-publish_at_0": "2026-12-01",
        "csrfmiddlewaretoken": token,
    }
    page = client.post(ADD_URL, data, HTTP_REFERER=f"http://testserver{ADD_URL}")
    sent = re.sub(r"\s+", " ", page.content.decode().split("What you sent")[1])
    assert "<span>Summary</span>" in sent and "The talks resumed at dawn." in sent
    assert "<span>Dek</span>" not in sent
    assert "<span>Correction or update 1: Text</span>" in sent
    assert re.search(r"<span>Comments open</span> <textarea[^>]*>yes</textarea>", sent)
    assert re.search(r"<span>Publish at \(date\)</span> <textarea[^>]*>2026-12-08<", sent)
    assert re.search(r"<span>Publish at \(time\)</span> <textarea[^>]*>09:30<", sent)
    assert "2026-12-01" not in sent  # what the form opened with is not something typed


def test_an_autosave_after_signing_out_is_a_401_not_the_login_page(editor, section):
    article = make_article(section=section, status=Article.Status.DRAFT)
    autosave = reverse("admin:articles_article_desk_autosave", args=[article.pk])
    client = Client()
    for headers in ({"HTTP_ACCEPT": "application/json"}, {"HTTP_SEC_FETCH_MODE": "cors"}):
        response = client.post(autosave, {"headline": "Typed"}, **headers)
        assert response.status_code == 401 and "signed out" in response.json()["error"]


def test_the_login_form_itself_is_not_taken_for_a_signed_out_save(editor):
    response = Client().post(reverse("admin:login"), {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200 and "Please enter the correct" in response.content.decode()
