"""Review that reaches people: submit tells the editors, send back tells the reporter with a
note, publishing tells the authors; once, after the commit, in each reader's language,
never to inactive users, and a mail outage never fails the save."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.desk import outbox
from articles.desk.models import QueuedEmail, ReviewNote, StaffLanguage
from articles.models import Article

from .conftest import _staff, make_article, make_author, make_section
from .test_admin import article_form, change_url
from .test_desk_conflicts import form_for

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def with_email(user, name):
    user.email = f"{user.username}@example.com"
    user.first_name = name
    user.save()
    return user


@pytest.fixture
def desk(django_user_model):
    return {
        "rita": with_email(_staff(django_user_model, "rita", "Reporter"), "Rita"),
        "erin": with_email(_staff(django_user_model, "erin", "Editor"), "Erin"),
        "ed": with_email(_staff(django_user_model, "ed", "Editor"), "Ed"),
        "gone": with_email(_staff(django_user_model, "gone", "Editor"), "Gone"),
        "mo": with_email(_staff(django_user_model, "mo", "Moderator"), "Mo"),
    }


@pytest.fixture
def draft(desk):
    desk["gone"].is_active = False
    desk["gone"].save()
    return make_article(
        status=Article.Status.DRAFT, created_by=desk["rita"], headline="Port reopens"
    )


def submit(client, article, capture):
    with capture(execute=True):
        return client.post(
            LIST_URL, {"action": "submit_for_review", ACTION_CHECKBOX_NAME: [article.pk]}
        )


def test_submitting_emails_the_active_editors_once_with_a_link(
    desk, draft, django_capture_on_commit_callbacks
):
    submit(logged_in(desk["rita"]), draft, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["ed@example.com", "erin@example.com"]
    message = mail.outbox[0]
    assert "In review: Port reopens" in message.subject
    assert "Rita submitted “Port reopens” for review." in message.body
    assert f"/admin/articles/article/{draft.pk}/change/" in message.body


def test_submitting_through_the_form_emails_the_editors(
    desk, draft, django_capture_on_commit_callbacks
):
    client = logged_in(desk["rita"])
    version = client.get(change_url(draft)).context["adminform"].form["desk_version"].value()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(draft), form_for(draft, status="review", desk_version=version)
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 2


def test_a_failed_save_sends_nothing(desk, draft, django_capture_on_commit_callbacks):
    client = logged_in(desk["rita"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(draft), form_for(draft, status="review", headline=""))
    assert response.status_code == 200
    assert mail.outbox == []
    assert not QueuedEmail.objects.exists()
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_emails_are_written_in_each_readers_language(
    desk, draft, django_capture_on_commit_callbacks, monkeypatch
):
    from django.utils import translation

    from articles.desk import notifications

    StaffLanguage.objects.create(user=desk["ed"], language="fr")
    # Each word goes through gettext while the reader's language is active: mark it.
    monkeypatch.setattr(notifications, "_", lambda text: f"[{translation.get_language()}] {text}")
    submit(logged_in(desk["rita"]), draft, django_capture_on_commit_callbacks)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "[fr] In review" in subjects["ed@example.com"]
    assert "[en-us] In review" in subjects["erin@example.com"]


def test_sending_back_moves_to_draft_emails_the_reporter_and_shows_the_note(
    desk, draft, django_capture_on_commit_callbacks
):
    draft.status = Article.Status.REVIEW
    draft.save()
    editor = logged_in(desk["erin"])
    url = reverse("admin:articles_article_desk_send_back", args=[draft.pk])
    assert "Send back with a note" in editor.get(change_url(draft)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, {"note": "Add the minister's reply.\nAnd a photo."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert [m.to for m in mail.outbox] == [["rita@example.com"]]
    assert "> Add the minister's reply." in mail.outbox[0].body
    page = logged_in(desk["rita"]).get(change_url(draft)).content.decode()
    assert "Sent back by Erin" in page
    assert "Add the minister&#x27;s reply.<br>And a photo." in page


def test_submitting_again_closes_the_note(desk, draft, django_capture_on_commit_callbacks):
    ReviewNote.objects.create(article=draft, written_by=desk["erin"], text="Fix the intro.")
    submit(logged_in(desk["rita"]), draft, django_capture_on_commit_callbacks)
    assert not ReviewNote.objects.filter(is_open=True).exists()


@pytest.mark.parametrize("note", ["", "   ", "x\x00y", "n" * 2001])
def test_a_send_back_without_a_usable_note_is_refused(desk, draft, note):
    draft.status = Article.Status.REVIEW
    draft.save()
    response = logged_in(desk["erin"]).post(
        reverse("admin:articles_article_desk_send_back", args=[draft.pk]), {"note": note}
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    assert not ReviewNote.objects.exists()


def test_reporters_cannot_send_back(desk, draft):
    draft.status = Article.Status.REVIEW
    draft.save()
    response = logged_in(desk["rita"]).post(
        reverse("admin:articles_article_desk_send_back", args=[draft.pk]), {"note": "Mine"}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW


def test_publishing_emails_the_authors_not_the_publisher(
    desk, draft, django_capture_on_commit_callbacks
):
    byline = make_author(name="Ed Byline", user=desk["ed"])
    draft.authors.add(byline)
    with django_capture_on_commit_callbacks(execute=True):
        logged_in(desk["erin"]).post(
            LIST_URL, {"action": "publish_now", ACTION_CHECKBOX_NAME: [draft.pk]}
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["ed@example.com", "rita@example.com"]
    assert "Published: Port reopens" in mail.outbox[0].subject
    draft.refresh_from_db()
    assert f"Read it: https://example.com{draft.get_absolute_url()}" in mail.outbox[0].body


def test_a_story_published_as_it_is_added_emails_the_author_on_its_byline(
    desk, django_capture_on_commit_callbacks
):
    # The byline is written after the article's row: the revision that tells the authors
    # is written once the save has given the story its byline.
    byline = make_author(name="Ed Byline", user=desk["ed"])
    data = article_form(make_section(), authors=[byline.pk], status="published")
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(desk["erin"]).post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    assert [m.to[0] for m in mail.outbox] == ["ed@example.com"]
    assert "Published: Ministers meet in Benghazi" in mail.outbox[0].subject


def test_mail_down_never_fails_the_save_and_is_logged(
    desk, draft, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.test_desk_notifications.BrokenBackend"
    BrokenBackend.attempts = 0
    with caplog.at_level(logging.WARNING, logger="articles.desk.notifications"):
        response = submit(logged_in(desk["rita"]), draft, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    assert BrokenBackend.attempts == 2 * outbox.QUICK_TRIES  # two editors, a few tries each
    assert "Desk email not sent to" in caplog.text
    assert "kept in the queue" in caplog.text
    kept = QueuedEmail.objects.order_by("recipient")
    assert [e.recipient for e in kept] == ["ed@example.com", "erin@example.com"]
    assert all(e.attempts == 1 and "mail server down" in e.last_error for e in kept)


def test_queued_email_goes_out_when_the_server_is_back(
    desk, draft, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.test_desk_notifications.BrokenBackend"
    submit(logged_in(desk["rita"]), draft, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = StringIO()
    call_command("send_queued_email", stdout=out)  # not due yet: tried again after a pause
    assert mail.outbox == [] and "Sent 0. Waiting: 2" in out.getvalue()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        call_command("send_queued_email", stdout=out)
    assert sorted(m.to[0] for m in mail.outbox) == ["ed@example.com", "erin@example.com"]
    assert mail.outbox[0].subject == "[The World Monitor] In review: Port reopens"
    assert "Sent 2. Waiting: 0; given up: 0." in out.getvalue()
    assert not QueuedEmail.objects.exists()


def test_the_next_notice_sends_what_was_waiting(
    desk, draft, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.test_desk_notifications.BrokenBackend"
    submit(logged_in(desk["rita"]), draft, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    other = make_article(status=Article.Status.DRAFT, created_by=desk["rita"], headline="Dam")
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        submit(logged_in(desk["rita"]), other, django_capture_on_commit_callbacks)
    subjects = sorted(m.subject for m in mail.outbox)
    assert (
        subjects
        == ["[The World Monitor] In review: Dam"] * 2
        + ["[The World Monitor] In review: Port reopens"] * 2
    )


def test_a_message_is_given_up_after_its_last_attempt(desk, settings, caplog):
    settings.EMAIL_BACKEND = "tests.test_desk_notifications.BrokenBackend"
    QueuedEmail.objects.create(
        recipient="ed@example.com",
        subject="In review: Dam",
        body="Read it.",
        attempts=outbox.MAX_ATTEMPTS - 1,
        next_attempt_at=timezone.now(),
    )
    with caplog.at_level(logging.ERROR, logger="articles.desk.notifications"):
        assert outbox.send_due() == 0
    kept = QueuedEmail.objects.get()
    assert kept.next_attempt_at is None and kept.attempts == outbox.MAX_ATTEMPTS
    assert "given up after 10 attempts" in caplog.text
    # An administrator who mended the mail settings sends it anyway.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_queued_email", "--all", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [["ed@example.com"]]
    assert not QueuedEmail.objects.exists()


class BrokenBackend(BaseEmailBackend):
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        raise ConnectionRefusedError("mail server down")


def test_an_administrator_sets_a_staff_members_language(desk, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client = logged_in(admin_user)
    url = reverse("admin:articles_stafflanguage_add")
    refused = client.post(url, {"user": desk["ed"].pk, "language": "xx-nonsense"})
    assert refused.status_code == 200 and not StaffLanguage.objects.exists()
    client.post(url, {"user": desk["ed"].pk, "language": "fr"})
    assert StaffLanguage.objects.get().language == "fr"
    assert logged_in(desk["erin"]).get(url).status_code == 403  # editors do not manage staff


def test_saves_nobody_made_in_the_admin_send_nothing(desk, django_capture_on_commit_callbacks):
    # An import or a script: no person acted, nobody is told.
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(status=Article.Status.DRAFT, created_by=desk["rita"])
        article.status = Article.Status.PUBLISHED
        article.save()
    assert mail.outbox == []


def test_editors_see_waiting_email_on_the_overview(desk, draft, settings):
    QueuedEmail.objects.create(
        recipient="ed@example.com", subject="In review: Dam", body="Read it.", attempts=2
    )
    overview = reverse("admin:articles_desk_overview")
    page = logged_in(desk["erin"]).get(overview).content.decode()
    assert "1 desk email is waiting for the mail server" in page
    page = logged_in(desk["rita"]).get(overview).content.decode()
    assert "waiting for the mail server" not in page
