"""Readers posting comments: the form, replies, closing, spam defences and what is public."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.models import Comment

from .conftest import make_article

pytestmark = pytest.mark.django_db


def aged_token(seconds=30):
    """A form token as if the form had been opened `seconds` ago."""
    return signing.Signer(salt=moderation.TOKEN_SALT).sign(str(int(time.time()) - seconds))


def make_comment(article, **kwargs):
    kwargs.setdefault("name", "Amina")
    kwargs.setdefault("email", "amina@example.com")
    kwargs.setdefault("body", "A unified army is the only way.")
    kwargs.setdefault("status", Comment.Status.APPROVED)
    return Comment.objects.create(article=article, **kwargs)


def comment_data(**overrides):
    data = {
        "body": "The funding question for Derna matters just as much.",
        "name": "Marc",
        "email": "marc@example.com",
        "website": "",
        "parent": "",
        "token": aged_token(),
    }
    data.update(overrides)
    return data


def post(client, article, **kwargs):
    headers = kwargs.pop("headers", {})
    return client.post(
        reverse("comments:post", args=[article.pk]), comment_data(**kwargs), headers=headers
    )


@pytest.fixture
def article(section):
    return make_article(section=section, headline="Libyan officials discuss cooperation")


# Posting


def test_valid_comment_is_saved_pending_and_the_poster_is_sent_back_to_it(client, article):
    response = post(client, article)
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"].startswith(f"{article.get_absolute_url()}?comment=")
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert comment.status == Comment.Status.PENDING
    assert (comment.name, comment.email, comment.article) == ("Marc", "marc@example.com", article)


def test_poster_sees_their_comment_awaiting_moderation_on_a_private_page(client, article):
    response = client.get(post(client, article)["Location"])
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Your comment is awaiting moderation." in response.content.decode()
    assert "The funding question for Derna" in response.content.decode()


def test_poster_gets_a_clear_thank_you_message(client, article):
    response = client.get(post(client, article)["Location"])
    assert "Thank you, Marc. Your comment is awaiting moderation" in response.content.decode()


def test_other_visitors_do_not_see_a_pending_comment(client, article):
    post(client, article)
    response = client.get(article.get_absolute_url())
    assert "The funding question for Derna" not in response.content.decode()
    assert "awaiting moderation" not in response.content.decode()


def test_forged_receipt_shows_nothing_and_is_not_cached(client, article):
    post(client, article)
    comment = Comment.objects.get()
    response = client.get(article.get_absolute_url(), {"comment": f"{comment.pk}:forged"})
    assert "The funding question for Derna" not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_receipt_does_not_show_the_comment_on_another_article(client, article, section):
    other = make_article(section=section)
    location = post(client, article)["Location"]
    receipt = location.split("?comment=")[1].split("#")[0]
    response = client.get(f"{other.get_absolute_url()}?comment={receipt}")
    assert "The funding question for Derna" not in response.content.decode()


def test_article_page_form_carries_no_per_visitor_token_and_sets_no_cookie(client, article):
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in html
    assert '<input type="hidden" name="token" value="" data-form-token>' in html
    assert "private" not in response.get("Cache-Control", "")


def test_posting_sets_no_cookie(client, article):
    response = post(client, article)
    assert response.cookies == {}


def test_form_has_required_fields_marked_and_the_email_promise(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Your email address will not be published." in html
    assert 'Required fields are marked <span class="required">*</span>' in html
    for field in ["body", "name", "email"]:
        assert re.search(rf'<[^>]+name="{field}"[^>]*required', html), field
    assert not re.search(r'<input[^>]+name="website"[^>]*required', html)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "", "Please write your comment."),
        ("body", "   ", "Please write your comment."),
        ("body", "x" * 5001, "Ensure this value has at most 5000 characters"),
        ("body", "Hello\x00world", "Null characters are not allowed."),
        ("body", "Bell\x07here", "Your comment contains control characters"),
        ("name", "", "Please give your name."),
        ("name", "n" * 81, "Ensure this value has at most 80 characters"),
        ("name", "Marc\nBcc: x@example.com", "Remove the control characters"),
        ("name", "Marc\u202ecod.exe", "Remove the control characters"),
        ("email", "", "Please give your email address; it will not be published."),
        ("email", "not-an-email", "Enter a valid email address"),
        ("email", "a\x00@example.com", "Null characters are not allowed."),
        ("website", "javascript:alert(1)", "Enter a web address"),
        ("website", "ftp://example.com/", "Enter a web address"),
        ("website", "not a url", "Enter a web address"),
        ("website", "http://", "Enter a web address"),
        ("website", "https://" + "a" * 250 + ".com", "at most 200 characters"),
    ],
)
def test_invalid_field_is_refused_with_the_message_next_to_it(
    client, article, field, value, message
):
    response = post(client, article, **{field: value})
    html = response.content.decode()
    assert response.status_code == 400
    error = re.search(
        rf'<span class="comment-form__error" id="id_{field}-error">(.*?)</span>', html
    )
    assert error and error.group(1).replace("&#x27;", "'").count(message) == 1  # said once
    assert f'aria-describedby="id_{field}-error' in html
    assert not Comment.objects.exists()


def test_what_the_reader_typed_is_kept_after_an_error(client, article):
    response = post(client, article, email="nope", website="https://marc.example/")
    html = response.content.decode()
    assert "The funding question for Derna matters just as much.</textarea>" in html
    assert 'value="Marc"' in html
    assert 'value="nope"' in html
    assert 'value="https://marc.example/"' in html


def test_error_page_is_never_cached_and_carries_a_fresh_token(client, article):
    # The clock stands still: a token's age counts whole seconds, and a slow run could
    # cross one between the page and the check.
    with time_machine.travel(timezone.now(), tick=False):
        response = post(client, article, name="")
        token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
        assert moderation.form_token_age(token) == 0  # issued now, not the aged one sent
    assert response["Cache-Control"] == "private, no-store"
    assert response.cookies == {}


def test_windows_line_breaks_count_once_towards_the_length_limit(client, article):
    response = post(client, article, body="line\r\n" * 900)  # 5,400 sent, 4,500 kept
    assert response.status_code == 303
    assert Comment.objects.get().body == ("line\n" * 900).strip()


def test_broken_utf8_is_answered_without_a_server_error(client, article):
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        b"body=%FF%FEbad&name=M%C3&email=m%40example.com&token=" + aged_token().encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in {303, 400}


def test_comment_on_an_unpublished_article_is_not_found(client, section):
    draft = make_article(section=section, status="draft")
    assert post(client, draft).status_code == 404


def test_get_on_the_post_address_is_refused(client, article):
    assert client.get(reverse("comments:post", args=[article.pk])).status_code == 405


def test_raw_address_is_never_stored(client, article):
    client.post(
        reverse("comments:post", args=[article.pk]),
        comment_data(body="From a known address."),
        REMOTE_ADDR="203.0.113.9",
    )
    comment = Comment.objects.get(body="From a known address.")
    stored = " ".join(str(value) for value in Comment.objects.values_list().get(pk=comment.pk))
    assert "203.0.113.9" not in stored
    assert len(comment.ip_hash) == 64


def test_user_agent_is_kept_truncated(client, article):
    post(client, article, headers={"User-Agent": "Mozilla/5.0 " + "x" * 400})
    assert Comment.objects.get().user_agent.startswith("Mozilla/5.0 ")
    assert len(Comment.objects.get().user_agent) == 300


# Replies and threads


def test_reply_is_saved_under_its_parent(client, article):
    parent = make_comment(article)
    post(client, article, parent=parent.pk)
    assert Comment.objects.get(name="Marc").parent == parent


def test_approved_replies_are_shown_nested_under_their_parent(client, article):
    parent = make_comment(article)
    reply = make_comment(article, parent=parent, name="Marc", body="Agreed.")
    html = client.get(article.get_absolute_url()).content.decode()
    parent_at = html.index(f'id="comment-{parent.pk}"')
    nested_at = html.index('<ol class="comment-list comment-list--replies">', parent_at)
    assert parent_at < nested_at < html.index(f'id="comment-{reply.pk}"')


@pytest.mark.parametrize("case", ["other article", "pending", "no such comment", "not a number"])
def test_reply_to_a_comment_that_cannot_be_answered_is_refused(client, article, section, case):
    parents = {
        "other article": lambda: make_comment(make_article(section=section)).pk,
        "pending": lambda: make_comment(article, status=Comment.Status.PENDING).pk,
        "no such comment": lambda: 999999,
        "not a number": lambda: "1 OR 1=1",
    }
    response = post(client, article, parent=parents[case]())
    assert response.status_code == 400
    assert "The comment you are replying to is not available any more." in (
        response.content.decode()
    )
    assert not Comment.objects.filter(name="Marc").exists()


def _chain(article, depth):
    comments, parent = [], None
    for level in range(depth):
        parent = make_comment(article, parent=parent, body=f"Level {level + 1}")
        comments.append(parent)
    return comments


def test_reply_deeper_than_the_limit_is_refused(client, article):
    deepest = _chain(article, 3)[-1]
    response = post(client, article, parent=deepest.pk)
    assert response.status_code == 400
    assert "already 3 replies deep" in response.content.decode()


def test_reply_at_the_limit_is_accepted(client, article):
    second = _chain(article, 2)[-1]
    assert post(client, article, parent=second.pk).status_code == 303


def test_deepest_comments_offer_no_reply_link(client, article):
    _first, second, third = _chain(article, 3)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'data-reply-to="{second.pk}"' in html
    assert f'data-reply-to="{third.pk}"' not in html


def test_depth_limit_is_a_setting(client, article, settings):
    settings.NEWSROOM_COMMENT_MAX_DEPTH = 2
    second = _chain(article, 2)[-1]
    assert post(client, article, parent=second.pk).status_code == 400


def test_reply_link_leads_to_a_page_with_the_parent_set_and_a_token(client, article):
    parent = make_comment(article)
    html = client.get(article.get_absolute_url()).content.decode()
    href = re.search(rf'href="([^"]+)"[^>]*data-reply-to="{parent.pk}"', html).group(1)
    response = client.get(href.replace("&amp;", "&"))
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert f'name="parent" value="{parent.pk}"' in page
    assert re.search(r'name="token" value="[^"]+"', page)
    assert f'href="{article.get_absolute_url()}#comment-{parent.pk}">Cancel reply' in page
    assert "A unified army is the only way." in page


def test_reply_page_posts_in_one_step(client, article):
    parent = make_comment(article)
    page = client.get(reverse("comments:reply", args=[article.pk]), {"parent": parent.pk})
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    with time_machine.travel(timezone.now() + timedelta(seconds=20)):
        response = post(client, article, parent=parent.pk, token=token)
    assert response.status_code == 303
    assert Comment.objects.get(name="Marc").spam_signals == ""


@pytest.mark.parametrize("parent", ["abc", "999999", "pending", "²", "arabic-indic digits"])
def test_reply_page_for_a_comment_that_cannot_be_answered_is_not_found(client, article, parent):
    if parent == "pending":
        parent = make_comment(article, status=Comment.Status.PENDING).pk
    elif parent == "arabic-indic digits":  # an approved comment's number, not in ASCII digits
        pk = make_comment(article, status=Comment.Status.APPROVED).pk
        parent = "".join(chr(0x660 + int(digit)) for digit in str(pk))
    response = client.get(reverse("comments:reply", args=[article.pk]), {"parent": parent})
    assert response.status_code == 404


# Closing


def test_closed_article_refuses_comments(client, section):
    closed = make_article(section=section, comments_open=False)
    response = post(client, closed)
    assert response.status_code == 403
    assert "Comments are closed on this article." in response.content.decode()
    assert not Comment.objects.exists()


def test_closed_article_keeps_its_comments_but_shows_no_form(client, section):
    closed = make_article(section=section, comments_open=False)
    make_comment(closed)
    html = client.get(closed.get_absolute_url()).content.decode()
    assert "A unified army is the only way." in html
    assert "Comments are closed." in html
    assert 'id="comment-form"' not in html
    assert "data-reply-to" not in html


def test_comments_close_automatically_after_the_configured_days(client, section, settings):
    settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_article(section=section, publish_at=timezone.now() - timedelta(days=31))
    recent = make_article(section=section, publish_at=timezone.now() - timedelta(days=29))
    assert post(client, old).status_code == 403
    assert post(client, recent).status_code == 303


def test_comments_never_close_by_age_by_default(client, section):
    old = make_article(section=section, publish_at=timezone.now() - timedelta(days=3650))
    assert post(client, old).status_code == 303


def test_reply_page_of_a_closed_article_says_so(client, section):
    closed = make_article(section=section, comments_open=False)
    response = client.get(reverse("comments:reply", args=[closed.pk]))
    assert response.status_code == 403


# Spam and abuse


@pytest.mark.parametrize("status", ["pending", "spam", "rejected"])
def test_comment_sent_again_is_answered_like_the_first_and_stored_once(client, article, status):
    first = post(client, article)
    Comment.objects.update(status=status)
    again = post(client, article, email="MARC@example.com")
    assert again.status_code == first.status_code == 303
    assert again["Location"].split("?")[0] == first["Location"].split("?")[0]
    assert Comment.objects.count() == 1
    page = client.get(again["Location"]).content.decode()
    assert "Your comment is awaiting moderation." in page
    assert "already" not in page


def test_copy_of_a_published_comment_waits_for_a_moderator(client, article, settings):
    settings.NEWSROOM_COMMENT_TRUST_RETURNING = True
    post(client, article)
    Comment.objects.update(status=Comment.Status.APPROVED)
    assert post(client, article).status_code == 303
    assert list(Comment.objects.values_list("status", flat=True)) == ["approved", "pending"]


def test_rejected_comment_is_shown_to_its_poster_as_awaiting_moderation(client, article):
    receipt_url = post(client, article)["Location"]
    Comment.objects.update(status=Comment.Status.REJECTED)
    page = client.get(receipt_url).content.decode()
    assert "Your comment is awaiting moderation." in page
    assert client.get(article.get_absolute_url()).content.decode().count("Derna") == 0


def test_same_text_on_another_article_is_not_a_duplicate(client, article, section):
    post(client, article)
    assert post(client, make_article(section=section)).status_code == 303


def test_too_many_posts_from_one_client_get_a_429_with_the_comment_kept(client, article, settings):
    settings.NEWSROOM_COMMENT_RATE_LIMIT = 2
    post(client, article, body="First.")
    post(client, article, body="Second.")
    response = post(client, article, body="Third, kept for later.")
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.NEWSROOM_COMMENT_RATE_PERIOD)
    assert "You have sent a lot of comments in a short time." in response.content.decode()
    assert "Third, kept for later.</textarea>" in response.content.decode()
    assert Comment.objects.count() == 2


def test_a_reply_held_by_the_rate_limit_still_says_whom_it_answers(client, article, settings):
    settings.NEWSROOM_COMMENT_RATE_LIMIT = 1
    parent = make_comment(article, name="Amina")
    post(client, article, body="First.")
    response = post(client, article, body="My reply, kept.", parent=parent.pk)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Reply to Amina" in html and "My reply, kept.</textarea>" in html
    assert f'name="parent" value="{parent.pk}"' in html


def test_rate_limit_is_counted_per_client(client, article, settings):
    settings.NEWSROOM_COMMENT_RATE_LIMIT = 1
    url = reverse("comments:post", args=[article.pk])
    client.post(url, comment_data(body="One."), REMOTE_ADDR="198.51.100.1")
    response = client.post(url, comment_data(body="Two."), REMOTE_ADDR="198.51.100.2")
    assert response.status_code == 303


def test_rate_limit_window_ends(client, article, settings):
    settings.NEWSROOM_COMMENT_RATE_LIMIT = 1
    settings.NEWSROOM_COMMENT_RATE_PERIOD = 1
    post(client, article, body="One.")
    assert post(client, article, body="Two.").status_code == 429
    time.sleep(1.1)  # real time: a Redis cache expires keys on its own clock
    assert post(client, article, body="Three.").status_code == 303


def test_filled_honeypot_saves_nothing(client, article):
    response = post(client, article, subject="Buy now")
    assert response.status_code == 303
    assert response["Location"] == article.get_absolute_url()
    assert not Comment.objects.exists()


def test_honeypot_is_hidden_from_people(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(
        r'<p class="comment-form__trap" aria-hidden="true">.*?tabindex="-1"', html, re.S
    )


def test_missing_token_asks_the_reader_to_confirm_with_a_fresh_one(client, article):
    response = post(client, article, token="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please check your comment and press “Post Comment” again to send it." in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        assert post(client, article, token=token).status_code == 303


def test_forged_token_is_refused(client, article):
    response = post(client, article, token=f"{int(time.time()) - 60}:forged")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_token_older_than_a_day_is_refused(client, article):
    response = post(client, article, token=aged_token(86400 + 60))
    assert response.status_code == 400
    assert "This form was open for too long." in response.content.decode()


def test_comment_sent_too_fast_is_held_with_the_reason(client, article):
    with time_machine.travel(timezone.now(), tick=False):  # ages count whole seconds
        post(client, article, token=aged_token(1))
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.spam_signals == "sent 1 s after the page was opened"


def test_token_endpoint_gives_a_fresh_private_token(client):
    with time_machine.travel(timezone.now(), tick=False):  # ages count whole seconds
        response = client.get(reverse("comments:token"))
        assert moderation.form_token_age(response.json()["token"]) == 0
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response.cookies == {}


def test_more_links_than_allowed_are_held_with_the_reason(client, article):
    body = "See https://a.example/1 and www.b.example and http://c.example/x"
    post(client, article, body=body)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.spam_signals == "3 links"


def test_links_up_to_the_limit_raise_no_signal(client, article):
    post(client, article, body="Sources: https://a.example/1 and https://www.b.example/2")
    assert Comment.objects.get().spam_signals == ""


def test_link_limit_is_a_setting(client, article, settings):
    settings.NEWSROOM_COMMENT_MAX_LINKS = 0
    post(client, article, body="Source: https://a.example/1")
    assert Comment.objects.get().spam_signals == "1 link"


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "Cheap CASINO bonus"},
        {"website": "https://spam.example/offer"},
        {"email": "bot@spam.example"},
        {"body": "visit www.spam.example today"},
    ],
)
def test_blocklisted_word_or_domain_goes_to_spam(client, article, settings, fields):
    settings.NEWSROOM_COMMENT_BLOCKLIST = ["casino", "spam.example"]
    post(client, article, **fields)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.spam_signals.startswith("blocklisted: ")


def test_blocklist_matches_whole_words_only(client, article, settings):
    settings.NEWSROOM_COMMENT_BLOCKLIST = ["press", "spam.example"]
    post(client, article, body="WordPress users on notspam.example agree.")
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_spam_does_not_email_moderators(client, article, settings, moderator):
    moderator.email = "mod@example.com"
    moderator.save()
    settings.NEWSROOM_COMMENT_BLOCKLIST = ["casino"]
    post(client, article, body="casino")
    assert mail.outbox == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
    ],
)
def test_post_from_another_site_is_refused(client, article, headers):
    response = post(client, article, headers=headers)
    assert response.status_code == 403
    assert "Comments can only be sent from this site&#x27;s pages." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Referer": "http://testserver/2024/01/01/x/"},
        {},
    ],
)
def test_post_from_this_site_or_without_origin_is_accepted(client, article, headers):
    assert post(client, article, headers=headers).status_code == 303


# Trusted returning commenters


def test_returning_commenter_waits_for_a_moderator_by_default(client, article):
    make_comment(article, email="marc@example.com", body="Earlier, approved.")
    post(client, article)
    assert Comment.objects.get(name="Marc").status == Comment.Status.PENDING


def test_returning_commenter_is_approved_when_trusted(client, article, settings):
    settings.NEWSROOM_COMMENT_TRUST_RETURNING = True
    make_comment(article, email="Marc@Example.com", body="Earlier, approved.")
    response = client.get(post(client, article)["Location"])
    assert Comment.objects.get(name="Marc").status == Comment.Status.APPROVED
    assert "Thank you. Your comment is published." in response.content.decode()


def test_trusted_commenter_with_a_spam_signal_still_waits(client, article, settings):
    settings.NEWSROOM_COMMENT_TRUST_RETURNING = True
    make_comment(article, email="marc@example.com", body="Earlier, approved.")
    post(client, article, token=aged_token(0))
    assert Comment.objects.get(name="Marc").status == Comment.Status.PENDING


def test_first_time_commenter_waits_even_when_trust_is_on(client, article, settings):
    settings.NEWSROOM_COMMENT_TRUST_RETURNING = True
    make_comment(article, email="marc@example.com", status=Comment.Status.PENDING)
    post(client, article, body="Another one.")
    assert Comment.objects.get(body="Another one.").status == Comment.Status.PENDING


# What is public


def test_only_approved_comments_are_public(client, article):
    make_comment(article, body="Approved words.")
    for status in [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM]:
        make_comment(article, body=f"Hidden {status} words.", status=status)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Approved words." in html
    assert "Hidden" not in html


def test_email_never_appears_in_public_html(client, article):
    parent = make_comment(article, email="secret.address@example.com")
    article_html = client.get(article.get_absolute_url()).content.decode()
    reply_html = client.get(
        reverse("comments:reply", args=[article.pk]), {"parent": parent.pk}
    ).content.decode()
    assert "secret.address" not in article_html
    assert "secret.address" not in reply_html


def test_comment_text_is_escaped_plain_text_with_line_breaks_and_links(client, article):
    make_comment(article, body="<script>alert(1)</script>\nSee https://example.org/report")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in html
    assert '<a href="https://example.org/report" rel="nofollow">https://example.org/report</a>' in (
        html
    )


def test_author_name_links_to_their_website_with_nofollow_ugc_noopener(client, article):
    make_comment(article, name="Marc", website="https://marc.example/")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<a href="https://marc.example/" rel="nofollow ugc noopener">Marc</a>' in html


def test_name_in_html_is_escaped(client, article):
    make_comment(article, name='<img src=x onerror="alert(1)">')
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<img src=x" not in html


def test_article_page_shows_the_approved_comment_count(client, article):
    make_comment(article)
    make_comment(article, body="Second.")
    make_comment(article, body="Waiting.", status=Comment.Status.PENDING)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<h2 id="comments-title" class="block__title">2 Comments</h2>' in html


def test_article_without_comments_invites_a_reply(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<h2 id="comments-title" class="block__title">Leave a Reply</h2>' in html


def test_article_lists_show_comment_counts(client, article):
    make_comment(article)
    html = client.get(article.section.get_absolute_url()).content.decode()
    assert f'href="{article.get_absolute_url()}#comments">1 Comment</a>' in html


def test_article_list_cost_does_not_grow_with_comments(
    client, section, django_assert_max_num_queries
):
    pieces = [make_article(section=section) for _ in range(10)]
    with django_assert_max_num_queries(100) as baseline:
        client.get(section.get_absolute_url())
    for piece in pieces:
        for n in range(5):
            make_comment(piece, body=f"Comment {n}")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(section.get_absolute_url())
    assert response.content.decode().count("5 Comments</a>") == 10


def test_article_page_cost_does_not_grow_with_comments(
    client, article, django_assert_max_num_queries
):
    make_comment(article)
    with django_assert_max_num_queries(100) as baseline:
        client.get(article.get_absolute_url())
    parent = None
    for n in range(120):
        parent = make_comment(article, parent=parent if n % 4 else None, body=f"Comment {n}")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(article.get_absolute_url())
    assert "121 Comments" in response.content.decode()


def test_spam_caught_by_the_blocklist_does_not_empty_the_page_cache(client, article, settings):
    settings.NEWSROOM_COMMENT_BLOCKLIST = ["casino"]
    client.get(article.get_absolute_url())
    post(client, article, body="Best casino bonus")
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"


def test_approving_a_comment_refreshes_the_cached_article_page(client, article):
    client.get(article.get_absolute_url())
    post(client, article)
    assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"
    moderation.approve(Comment.objects.get())
    response = client.get(article.get_absolute_url())
    assert "The funding question for Derna" in response.content.decode()


def test_a_rendered_thread_is_reused_until_the_articles_comments_change(client, article, settings):
    """With the page cache off (a page re-rendered after some unrelated change), the thread
    comes from its own cache entry: no comment query; any change to this article's public
    comments renews it at once, and another article's comments do not."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    other = make_article(section=article.section)
    first = make_comment(article, body="First thoughts")
    url = article.get_absolute_url()

    def comment_queries():
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return html, [q["sql"] for q in queries.captured_queries if "comments_comment" in q["sql"]]

    html, _ = comment_queries()
    assert "First thoughts" in html
    html, queries = comment_queries()
    assert "First thoughts" in html and "1 Comment" in html
    assert queries == []

    make_comment(other, body="Elsewhere")
    assert comment_queries()[1] == []

    second = make_comment(article, body="Second thoughts", status=Comment.Status.PENDING)
    assert "Second thoughts" not in comment_queries()[0]
    moderation.approve(second)
    html, queries = comment_queries()
    assert "Second thoughts" in html and "2 Comments" in html
    assert queries  # read afresh once

    moderation.set_status(first, Comment.Status.PENDING)  # un-approved by a moderator
    html = comment_queries()[0]
    assert "First thoughts" not in html and "1 Comment" in html
    first.delete()
    second.delete()
    assert "Second thoughts" not in comment_queries()[0]


def test_after_a_new_comment_only_that_comment_is_rendered(client, article, settings):
    """A busy story's thread after one more comment: the others' markup is reused, and a
    comment whose text a moderator edits is rendered afresh, where it was."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    first = make_comment(article, body="First thoughts")
    make_comment(article, body="Second thoughts")
    url = article.get_absolute_url()

    def rendered_comments():
        response = client.get(url)
        names = [template.name for template in response.templates]
        return response.content.decode(), names.count("comments/comment.html")

    assert rendered_comments()[1] == 2
    make_comment(article, body="A reply", parent=first)
    html, count = rendered_comments()
    assert count == 1
    assert html.index("First thoughts") < html.index("A reply") < html.index("Second thoughts")
    first.body = "First thoughts, corrected"
    first.save()
    html, count = rendered_comments()
    assert count == 1
    assert "First thoughts, corrected" in html
    assert html.index("First thoughts, corrected") < html.index("A reply")


def test_closing_comments_removes_reply_links_from_a_cached_thread(client, article, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    make_comment(article)
    assert "comment__reply-link" in client.get(article.get_absolute_url()).content.decode()
    settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = 1
    with time_machine.travel(article.publish_at + timedelta(days=2)):
        html = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed." in html
    assert "comment__reply-link" not in html


def test_comment_dates_are_written_out(client, article):
    comment = make_comment(article)
    html = client.get(article.get_absolute_url()).content.decode()
    local = timezone.localtime(comment.created_at)
    assert f'<time datetime="{comment.created_at.isoformat(timespec="seconds")}">' in html
    assert local.strftime("%B %-d, %Y at ") in html


@pytest.mark.parametrize("parent", ["elsewhere", "pending", "missing"])
def test_a_reply_to_a_comment_that_is_gone_can_be_sent_again_as_a_comment(
    client, article, section, parent
):
    """Kept with its hidden parent, the reply failed the same way at every resend."""
    if parent == "elsewhere":
        parent = make_comment(make_article(section=section, headline="Other story")).pk
    elif parent == "pending":
        parent = make_comment(article, status=Comment.Status.PENDING).pk
    else:
        parent = 999999
    refused = post(client, article, parent=parent, body="My typed reply stays.")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "not available any more" in html and "comment of its own" in html
    assert "My typed reply stays." in html
    kept = refused.context["form"]
    assert kept["parent"].value() in ("", None)
    again = post(client, article, parent=kept["parent"].value() or "", body="My typed reply stays.")
    assert again.status_code == 303
    saved = Comment.objects.get(body="My typed reply stays.")
    assert saved.parent is None and saved.article == article


def test_a_comment_whose_bytes_were_not_utf8_is_sent_back_not_saved(client, article):
    url = reverse("comments:post", args=[article.pk])
    fields = comment_data()
    raw = "&".join(f"{name}={value}" for name, value in fields.items() if name != "body")
    response = client.post(
        url, raw + "&body=Caf%E9+au+lait", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not Comment.objects.exists()
