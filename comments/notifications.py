"""Emails about comments: to moderators when one waits, to a commenter when a reply appears.

A mail server that is down is logged, never shown to the reader as an error.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.mail import send_mail, send_mass_mail
from django.urls import reverse

from articles.models import Article

from .models import MODERATE_PERMISSION

logger = logging.getLogger(__name__)

NOT_PUBLISHED = "(article not published)"
COMMENT_TEXT_INTRO = "Comment text (written by the commenter, not by us):"


def moderators():
    """Active users who may moderate comments and have an email address."""
    return (
        get_user_model()
        # Rights come from groups and user permissions, which the model backend knows.
        .objects.with_perm(
            MODERATE_PERMISSION,
            is_active=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .exclude(email="")
        .order_by("pk")
    )


def absolute_url(path, request=None):
    if request is not None:
        return request.build_absolute_uri(path)
    return f"https://{Site.objects.get_current().domain}{path}"


def _one_line(text):
    return " ".join(str(text).split())


def _quoted(text):
    """The commenter's words, every line marked as a quotation: nothing in them can pass
    for a line of ours (a fake "Approve:" link, say)."""
    return "\n".join(f"> {line}" for line in str(text).splitlines() or [""])


def live_article(comment):
    """The comment's article as readers see it now, or None when it is not published.

    Read afresh through the publishing rule: an email never carries the headline or the
    address of a draft, a scheduled piece or one that was pulled since the comment came.
    """
    return Article.objects.published().filter(pk=comment.article_id).first()


def notify_moderators(comment, *, request=None):
    if not settings.NEWSROOM_COMMENT_NOTIFY_MODERATORS:
        return 0
    recipients = list(moderators().values_list("email", flat=True))
    if not recipients:
        return 0
    article = live_article(comment)
    about = f"“{_one_line(article.headline)}”" if article else NOT_PUBLISHED
    change_url = reverse("admin:comments_comment_change", args=[comment.pk])
    queue = reverse("admin:comments_comment_changelist")
    queue_url = f"{queue}?{urlencode({'status__exact': comment.Status.PENDING})}"
    subject = _one_line(
        f"[{settings.NEWSROOM_SITE_NAME}] Comment awaiting moderation: "
        f"{article.headline if article else NOT_PUBLISHED}"
    )
    # Our links come first; the commenter's words last and quoted, so nothing they wrote
    # can stand in for the real "Approve" link.
    lines = [
        f"A new comment on {about} is waiting for moderation.",
        "",
        f"Approve, reject or mark as spam: {absolute_url(change_url, request)}",
        f"Everything waiting: {absolute_url(queue_url, request)}",
        "",
        f"Name: {_one_line(comment.name)}",
        f"Email: {_one_line(comment.email)}",
    ]
    if comment.website:
        lines.append(f"Website: {_one_line(comment.website)}")
    if comment.spam_signals:
        lines.append(f"Held because: {comment.spam_signals}")
    lines += ["", COMMENT_TEXT_INTRO, _quoted(comment.body)]
    body = "\n".join(lines)
    messages = [(subject, body, None, [address]) for address in recipients]
    try:
        return send_mass_mail(messages)
    except Exception:
        logger.exception("Could not email moderators about comment %s.", comment.pk)
        return 0


def notify_reply(comment, *, request=None):
    """Tell the parent comment's author about an approved reply, if they asked for it.

    Only while the article is live: a reply approved on a pulled or not yet published
    article sends nothing (its headline and address are not public).
    """
    parent = comment.parent
    if parent is None or not parent.notify_replies or not parent.is_approved():
        return 0
    if parent.email.casefold() == comment.email.casefold():
        return 0
    article = live_article(comment)
    if article is None:
        return 0
    headline = _one_line(article.headline)
    reply_url = f"{article.get_absolute_url()}#comment-{comment.pk}"
    body = "\n".join(
        [
            f"{_one_line(comment.name)} replied to your comment on “{headline}”.",
            "",
            f"Read the conversation: {absolute_url(reply_url, request)}",
            "",
            COMMENT_TEXT_INTRO,
            _quoted(comment.body),
            "",
            "You get this email because you asked to hear about replies to your comment.",
        ]
    )
    subject = _one_line(f"[{settings.NEWSROOM_SITE_NAME}] New reply to your comment: {headline}")
    try:
        return send_mail(subject, body, None, [parent.email])
    except Exception:
        logger.exception("Could not email the author of comment %s about a reply.", parent.pk)
        return 0
