"""Moderators at work in the admin, the emails around it, and what is kept about commenters."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.models import Comment
from comments.signals import public_comments_changed

from .conftest import make_article
from .test_comments import make_comment, post

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:comments_comment_changelist")


def moderate_url(comment):
    return reverse("admin:comments_comment_moderate", args=[comment.pk])


@pytest.fixture
def article(section):
    return make_article(section=section, headline="Libyan officials discuss cooperation")


@pytest.fixture
def pending(article):
    return make_comment(article, name="Marc", body="Waiting words.", status="pending")


@pytest.fixture
def moderator_with_email(moderator):
    moderator.email = "moderator@example.com"
    moderator.save()
    return moderator


# One-click decisions and bulk actions


@pytest.mark.parametrize(
    ("decision", "status"),
    [("approve", "approved"), ("reject", "rejected"), ("spam", "spam")],
)
def test_moderator_decides_with_one_click(client, moderator, pending, decision, status):
    client.force_login(moderator)
    response = client.post(
        moderate_url(pending), {"decision": decision}, headers={"Referer": QUEUE_URL}
    )
    pending.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == QUEUE_URL
    assert pending.status == status


def test_one_click_returns_to_the_filtered_queue(client, moderator, pending):
    client.force_login(moderator)
    queue = f"http://testserver{QUEUE_URL}?status__exact=pending&q=Marc"
    response = client.post(
        moderate_url(pending), {"decision": "approve"}, headers={"Referer": queue}
    )
    assert response["Location"] == queue


def test_one_click_never_redirects_to_another_site(client, moderator, pending):
    client.force_login(moderator)
    response = client.post(
        moderate_url(pending),
        {"decision": "approve"},
        headers={"Referer": f"https://evil.example{QUEUE_URL}"},
    )
    assert response["Location"] == QUEUE_URL


def test_approved_comment_becomes_public(client, moderator, pending, article):
    client.force_login(moderator)
    client.post(moderate_url(pending), {"decision": "approve"})
    client.logout()
    assert "Waiting words." in client.get(article.get_absolute_url()).content.decode()


def test_a_comment_is_named_by_its_writer_and_first_words(client, moderator, article, pending):
    reply = make_comment(article, name="Dana", body="I disagree.", parent=pending, status="pending")
    client.force_login(moderator)
    page = client.get(reverse("admin:comments_comment_change", args=[reply.pk])).content.decode()
    assert "Dana: “I disagree.”" in page  # the title, not "Dana on 1"
    assert "Marc: “Waiting words.”" in page  # In reply to


def test_one_click_needs_a_post(client, moderator, pending):
    client.force_login(moderator)
    assert client.get(moderate_url(pending)).status_code == 405
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_unknown_decision_is_refused(client, moderator, pending):
    client.force_login(moderator)
    assert client.post(moderate_url(pending), {"decision": "delete"}).status_code == 400


def test_queue_rows_carry_one_click_buttons_inside_the_csrf_protected_form(
    client, moderator, pending
):
    client.force_login(moderator)
    html = client.get(QUEUE_URL).content.decode()
    assert "csrfmiddlewaretoken" in html
    assert f'formaction="{moderate_url(pending)}" formmethod="post" name="decision"' in html
    assert 'value="approve"' in html


def test_moderator_approves_in_bulk(client, moderator, article):
    waiting = [make_comment(article, body=f"Waiting {n}", status="pending") for n in range(3)]
    client.force_login(moderator)
    response = client.post(
        QUEUE_URL,
        {"action": "approve_selected", "_selected_action": [c.pk for c in waiting]},
        follow=True,
    )
    assert "3 comments marked approved." in response.content.decode()
    assert Comment.objects.approved().count() == 3


@pytest.mark.parametrize(
    ("action", "status"), [("reject_selected", "rejected"), ("mark_selected_as_spam", "spam")]
)
def test_moderator_rejects_or_bins_in_bulk(client, moderator, pending, action, status):
    client.force_login(moderator)
    client.post(QUEUE_URL, {"action": action, "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == status


def test_status_change_in_the_comment_form_goes_through_moderation(client, moderator, pending):
    heard = []

    def listener(sender, comment, **kwargs):
        heard.append(comment.pk)

    public_comments_changed.connect(listener)
    try:
        client.force_login(moderator)
        url = reverse("admin:comments_comment_change", args=[pending.pk])
        response = client.post(url, {"status": "approved"})
    finally:
        public_comments_changed.disconnect(listener)
    pending.refresh_from_db()
    assert response.status_code == 302
    assert pending.status == "approved"
    assert heard == [pending.pk]


def test_moderator_cannot_rewrite_what_a_reader_wrote(client, moderator, pending):
    client.force_login(moderator)
    url = reverse("admin:comments_comment_change", args=[pending.pk])
    client.post(url, {"status": "pending", "body": "Words put in their mouth.", "name": "X"})
    pending.refresh_from_db()
    assert (pending.body, pending.name) == ("Waiting words.", "Marc")


def test_approving_tells_listeners_that_public_comments_changed(pending):
    heard = []

    def listener(sender, comment, article, **kwargs):
        heard.append((comment.pk, article.pk))

    public_comments_changed.connect(listener)
    try:
        moderation.approve(pending)
        moderation.approve(pending)  # no change, no signal
        moderation.reject(pending)
    finally:
        public_comments_changed.disconnect(listener)
    assert heard == [(pending.pk, pending.article_id)] * 2


# Who may do what


def test_reporter_cannot_approve(client, reporter, pending):
    client.force_login(reporter)
    assert client.post(moderate_url(pending), {"decision": "approve"}).status_code == 403
    assert client.get(QUEUE_URL).status_code == 403
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_editor_sees_comments_but_cannot_moderate(client, editor, pending):
    client.force_login(editor)
    html = client.get(QUEUE_URL).content.decode()
    assert "Waiting words." in html
    assert "approve_selected" not in html
    assert 'name="decision"' not in html
    assert client.post(moderate_url(pending), {"decision": "approve"}).status_code == 403
    client.post(QUEUE_URL, {"action": "approve_selected", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_moderator_cannot_open_articles(client, moderator, article):
    client.force_login(moderator)
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 403
    change = reverse("admin:articles_article_change", args=[article.pk])
    assert client.get(change).status_code == 403


def test_moderator_sees_only_comments_on_the_admin_index(client, moderator):
    client.force_login(moderator)
    html = client.get(reverse("admin:index")).content.decode()
    assert f'href="{QUEUE_URL}"' in html
    assert reverse("admin:articles_article_changelist") not in html
    assert reverse("admin:auth_user_changelist") not in html


def test_nobody_adds_comments_through_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_moderator_cannot_delete_comments(client, moderator, pending):
    client.force_login(moderator)
    url = reverse("admin:comments_comment_delete", args=[pending.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=pending.pk).exists()


# The queue


def test_queue_opens_on_pending_comments_oldest_first_with_article_name_email_and_signals(
    client, moderator, article
):
    make_comment(article, body="Already public.")
    older = make_comment(article, body="Older words.", status="pending")
    newer = make_comment(
        article,
        body="Newer words.",
        status="pending",
        email="n@example.com",
        spam_signals="3 links",
    )
    client.force_login(moderator)
    response = client.get(QUEUE_URL)
    html = response.content.decode()
    assert list(response.context["cl"].result_list) == [older, newer]
    assert "Already public." not in html
    assert "n@example.com" in html
    assert "3 links" in html
    assert article.headline in html


def test_every_status_is_one_click_away_newest_first(client, moderator, article):
    public = make_comment(article, body="Already public.")
    waiting = make_comment(article, body="Waiting words.", status="pending")
    client.force_login(moderator)
    html = client.get(QUEUE_URL).content.decode()
    assert '<a href="?status__exact=all">All statuses</a>' in html
    response = client.get(QUEUE_URL, {"status__exact": "all"})
    assert list(response.context["cl"].result_list) == [waiting, public]


def test_unknown_status_in_the_address_shows_the_pending_queue(client, moderator, pending):
    later = make_comment(pending.article, body="Later words.", status="pending")
    client.force_login(moderator)
    response = client.get(QUEUE_URL, {"status__exact": "<script>"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [pending, later]


def test_queue_filters_by_status(client, moderator, article):
    make_comment(article, body="Approved words.")
    make_comment(article, body="Waiting words.", status="pending")
    client.force_login(moderator)
    response = client.get(QUEUE_URL, {"status__exact": "pending"})
    assert [c.body for c in response.context["cl"].result_list] == ["Waiting words."]


def test_queue_filters_by_article(client, moderator, article, section):
    other = make_article(section=section)
    make_comment(article, body="Here.")
    make_comment(other, body="There.")
    client.force_login(moderator)
    response = client.get(QUEUE_URL, {"article__id__exact": other.pk, "status__exact": "all"})
    assert [c.body for c in response.context["cl"].result_list] == ["There."]


def test_queue_filters_by_spam_signals(client, moderator, article):
    make_comment(article, body="Plain.", status="pending")
    make_comment(article, body="Linky.", status="pending", spam_signals="4 links")
    client.force_login(moderator)
    response = client.get(QUEUE_URL, {"signals": "yes"})
    assert [c.body for c in response.context["cl"].result_list] == ["Linky."]


@pytest.mark.parametrize("query", ["Zanele", "zanele@example", "Benghazi port"])
def test_queue_searches_name_email_and_text(client, moderator, article, query):
    make_comment(article, name="Zanele", email="zanele@example.com", body="The Benghazi port.")
    make_comment(article, body="Something else.")
    client.force_login(moderator)
    response = client.get(QUEUE_URL, {"q": query, "status__exact": "all"})
    assert [c.name for c in response.context["cl"].result_list] == ["Zanele"]


NOT_LIVE = {
    "draft": {"status": "draft", "publish_at": None},
    "in review": {"status": "review", "publish_at": None},
    "scheduled": {"publish_at": timezone.now() + timedelta(days=1)},
    "pulled": {"status": "draft"},
}


@pytest.fixture(params=NOT_LIVE, ids=list(NOT_LIVE))
def hidden_article(request, section):
    article = make_article(section=section, headline="Secret merger talks")
    make_comment(article, name="Zanele", email="z@example.com", body="Hidden words.")
    type(article).objects.filter(pk=article.pk).update(**NOT_LIVE[request.param])
    return article


def test_moderator_sees_no_headline_of_an_article_that_is_not_live(
    client, moderator, article, hidden_article
):
    make_comment(article, body="Public words.", status="pending")
    comment = hidden_article.comments.get()
    client.force_login(moderator)
    pages = {
        "queue": client.get(QUEUE_URL, {"status__exact": "all"}),
        "search": client.get(QUEUE_URL, {"status__exact": "all", "q": "Hidden"}),
        "comment": client.get(reverse("admin:comments_comment_change", args=[comment.pk])),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert "Secret merger" not in html, name
        assert hidden_article.slug not in html, name
        assert "(article not published)" in html, name
    # The live article's headline is still there to filter by.
    assert f">{article.headline}</a>" in pages["queue"].content.decode()


def test_filter_by_an_unpublished_article_gathers_them_under_one_neutral_choice(
    client, moderator, article, hidden_article
):
    make_comment(article, body="Public words.")
    client.force_login(moderator)
    response = client.get(QUEUE_URL, {"status__exact": "all", "article__id__exact": "unpublished"})
    assert [c.body for c in response.context["cl"].result_list] == ["Hidden words."]


def test_moderator_cannot_look_up_headlines_through_autocomplete(client, moderator, hidden_article):
    client.force_login(moderator)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "comments", "model_name": "comment", "field_name": "article", "term": "S"},
    )
    assert response.status_code == 403
    assert b"Secret merger" not in response.content


def test_view_on_site_of_a_comment_leads_nowhere_while_its_article_is_not_live(
    client, moderator, article, hidden_article
):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Comment)
    hidden = hidden_article.comments.get()
    public = make_comment(article, status="pending")
    client.force_login(moderator)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, hidden.pk]))
    assert response.status_code == 404
    assert hidden_article.slug not in response.get("Location", "")
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, public.pk]))
    assert response.status_code == 302
    assert response["Location"] == public.get_absolute_url()


def test_editor_sees_every_headline_in_the_queue(client, editor, hidden_article):
    comment = hidden_article.comments.get()
    client.force_login(editor)
    queue = client.get(QUEUE_URL, {"status__exact": "all"}).content.decode()
    change = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert queue.count("Secret merger talks") == 2  # the row and the article filter
    assert "Secret merger talks" in change.content.decode()


def test_editor_sees_no_email_address_hash_or_browser_of_commenters(client, editor, article):
    comment = make_comment(
        article,
        email="private@example.com",
        ip_hash="f" * 64,
        user_agent="Firefox/140",
        status="pending",
    )
    client.force_login(editor)
    queue = client.get(QUEUE_URL).content.decode()
    change = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert "Amina" in queue
    for html in [queue, change.content.decode()]:
        assert "private@example.com" not in html
        assert "f" * 64 not in html
        assert "Firefox/140" not in html
    found = client.get(QUEUE_URL, {"q": "private@example.com", "status__exact": "all"})
    assert list(found.context["cl"].result_list) == []


@pytest.mark.parametrize(
    "lookup", ["email__startswith", "email__lt", "email__regex", "ip_hash", "user_agent__icontains"]
)
def test_no_filter_in_the_address_spells_out_a_commenters_email_to_an_editor(
    client, editor, moderator, article, lookup
):
    """?email__startswith=p answered "1 comment" or "0 comments": an address, a letter at a
    time, to those who may not see it."""
    make_comment(article, email="private@example.com", status="pending")
    client.force_login(editor)
    assert client.get(QUEUE_URL, {"status__exact": "all", lookup: "p"}).status_code == 400
    client.force_login(moderator)
    assert client.get(QUEUE_URL, {"status__exact": "all", lookup: "p"}).status_code == 200


def test_moderator_sees_email_address_hash_and_browser(client, moderator, article):
    comment = make_comment(
        article, email="private@example.com", ip_hash="f" * 64, user_agent="Firefox/140"
    )
    client.force_login(moderator)
    html = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content
    for value in ["private@example.com", "f" * 64, "Firefox/140"]:
        assert value in html.decode()


def test_admin_index_shows_how_many_comments_wait(client, moderator, article):
    make_comment(article, status="pending")
    make_comment(article, body="Another.", status="pending")
    make_comment(article, body="Done.")
    client.force_login(moderator)
    html = client.get(reverse("admin:index")).content.decode()
    assert (
        f'<a href="{QUEUE_URL}?status__exact=pending">2 comments waiting for moderation</a>' in html
    )


def test_admin_index_hides_the_count_from_those_who_cannot_see_comments(client, reporter, article):
    make_comment(article, status="pending")
    client.force_login(reporter)
    assert "waiting for moderation" not in client.get(reverse("admin:index")).content.decode()


# Notifications


def test_new_pending_comment_emails_active_moderators_with_an_address(
    client, article, moderator_with_email, django_user_model
):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Moderator")
    retired = django_user_model.objects.create_user(
        "retired", "retired@example.com", "x", is_active=False
    )
    silent = django_user_model.objects.create_user("silent", "", "x")
    reporter = django_user_model.objects.create_user("rep", "rep@example.com", "x")
    retired.groups.add(group)
    silent.groups.add(group)
    reporter.groups.add(Group.objects.get(name="Reporter"))
    post(client, article)
    assert [message.to for message in mail.outbox] == [["moderator@example.com"]]
    message = mail.outbox[0]
    assert article.headline in message.subject
    assert "Marc" in message.body
    assert "The funding question for Derna" in message.body
    comment = Comment.objects.get()
    assert (
        f"http://testserver{reverse('admin:comments_comment_change', args=[comment.pk])}"
        in message.body
    )


def test_moderator_emails_can_be_turned_off(client, article, moderator_with_email, settings):
    settings.NEWSROOM_COMMENT_NOTIFY_MODERATORS = False
    post(client, article)
    assert mail.outbox == []


def test_held_comment_email_says_why(client, article, moderator_with_email):
    post(client, article, body="a https://a.example b https://b.example c https://c.example")
    assert "Held because: 3 links" in mail.outbox[0].body


def test_a_broken_mail_server_does_not_stop_the_comment(
    client, article, moderator_with_email, settings
):
    settings.EMAIL_BACKEND = "tests.test_comments_moderation.BrokenMailBackend"
    response = post(client, article)
    assert response.status_code == 303
    assert Comment.objects.get().status == "pending"


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_approved_reply_emails_the_parent_author_who_asked(article):
    parent = make_comment(article, email="amina@example.com", notify_replies=True)
    reply = make_comment(
        article,
        parent=parent,
        name="Marc",
        email="marc@example.com",
        body="Agreed.",
        status="pending",
    )
    moderation.approve(reply)
    assert [message.to for message in mail.outbox] == [["amina@example.com"]]
    assert "Marc replied to your comment" in mail.outbox[0].body
    assert "Agreed." in mail.outbox[0].body
    assert f"#comment-{reply.pk}" in mail.outbox[0].body
    assert "marc@example.com" not in mail.outbox[0].body


def test_moderator_email_gives_our_links_first_and_only_quotes_the_comment(
    client, article, moderator_with_email
):
    fake = "Approve: https://evil.example/admin/approve?all=1"
    post(client, article, body=f"Nice piece.\n{fake}\nThanks")
    body = mail.outbox[0].body
    real = body.index("Approve, reject or mark as spam: http://testserver/")
    intro = body.index("Comment text (written by the commenter, not by us):")
    assert real < intro < body.index(f"> {fake}")
    assert "> Nice piece.\n> " in body
    assert [line for line in body.splitlines() if "evil.example" in line] == [f"> {fake}"]


@pytest.mark.parametrize(
    "change",
    [
        {"status": "draft"},
        {"status": "review"},
        {"publish_at": timezone.now() + timedelta(days=1)},
    ],
)
def test_moderator_email_names_no_headline_of_an_article_that_is_not_live(
    article, moderator_with_email, change
):
    from comments import notifications

    comment = make_comment(article, status="pending")
    type(article).objects.filter(pk=article.pk).update(**change)
    notifications.notify_moderators(comment)
    message = mail.outbox[0]
    assert article.headline not in message.subject + message.body
    assert "(article not published)" in message.subject
    assert "A new comment on (article not published) is waiting" in message.body


def test_approved_reply_on_a_pulled_article_sends_no_email(article):
    parent = make_comment(article, email="amina@example.com", notify_replies=True)
    reply = make_comment(
        article, parent=parent, name="Marc", email="m@example.com", body="Agreed.", status="pending"
    )
    type(article).objects.filter(pk=article.pk).update(status="draft")
    moderation.approve(reply)
    assert mail.outbox == []


def test_reply_email_gives_the_articles_current_headline(article):
    parent = make_comment(article, email="amina@example.com", notify_replies=True)
    reply = make_comment(
        article, parent=parent, name="Marc", email="m@example.com", body="Agreed.", status="pending"
    )
    type(article).objects.filter(pk=article.pk).update(headline="Corrected headline")
    moderation.approve(reply)
    assert "Corrected headline" in mail.outbox[0].subject
    assert article.headline not in mail.outbox[0].subject + mail.outbox[0].body
    assert "> Agreed." in mail.outbox[0].body


def test_parent_author_who_did_not_ask_gets_no_email(article):
    parent = make_comment(article)
    reply = make_comment(article, parent=parent, name="Marc", body="Agreed.", status="pending")
    moderation.approve(reply)
    assert mail.outbox == []


def test_reader_can_ask_for_reply_emails_in_the_form(client, article):
    post(client, article, notify_replies="on")
    assert Comment.objects.get().notify_replies is True


# Retention


def test_purge_forgets_fingerprints_older_than_the_retention_period(article):
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        old = make_comment(article, ip_hash="a" * 64, user_agent="Old browser")
    recent = make_comment(article, body="Recent.", ip_hash="b" * 64, user_agent="New browser")
    out = StringIO()
    call_command("purge_comment_fingerprints", stdout=out)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_hash, old.user_agent) == ("", "")
    assert (recent.ip_hash, recent.user_agent) == ("b" * 64, "New browser")
    assert "1 comment(s)" in out.getvalue()


def test_purge_keeps_the_comments_themselves(article):
    with time_machine.travel(timezone.now() - timedelta(days=400)):
        old = make_comment(article, ip_hash="a" * 64)
    call_command("purge_comment_fingerprints", "--days", "0", stdout=StringIO())
    old.refresh_from_db()
    assert old.body == "A unified army is the only way."


def test_purge_refuses_a_negative_period():
    with pytest.raises(CommandError):
        call_command("purge_comment_fingerprints", "--days", "-1", stdout=StringIO())


def test_moderator_opens_a_comment_with_its_full_text_and_article(client, moderator, article):
    comment = make_comment(article, body="First line.\nSecond <b>line</b>.", status="pending")
    client.force_login(moderator)
    response = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "First line.<br>Second &lt;b&gt;line&lt;/b&gt;." in html
    assert article.headline in html


def test_the_queue_takes_the_whole_width_for_a_moderator_and_editors_keep_the_sidebar(
    client, moderator, editor
):
    """A moderator has one page to go to: no sidebar of one link beside the queue."""
    queue = reverse("admin:comments_comment_changelist")
    client.force_login(moderator)
    assert 'id="nav-sidebar"' not in client.get(queue).content.decode()
    client.force_login(editor)
    sidebar = client.get(queue).content.decode()
    assert 'id="nav-sidebar"' in sidebar and "/admin/articles/article/" in sidebar
