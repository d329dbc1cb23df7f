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

logger = logging.getLogger(__name__)

MODERATE_PERMISSION = "comments.moderate_comment"


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


def notify_moderators(comment, *, request=None):
    if not settings.NEWSROOM_COMMENT_NOTIFY_MODERATORS:
        return 0
    recipients = list(moderators().values_list("email", flat=True))
    if not recipients:
        return 0
    article = comment.article
    change_url = reverse("admin:comments_comment_change", args=[comment.pk])
    queue = reverse("admin:comments_comment_changelist")
    queue_url = f"{queue}?{urlencode({'status__exact': comment.Status.PENDING})}"
    subject = _one_line(
        f"[{settings.NEWSROOM_SITE_NAME}] Comment awaiting moderation: {article.headline}"
    )
    lines = [
        f"A new comment on “{_one_line(article.headline)}” is waiting for moderation.",
        "",
        f"Name: {comment.name}",
        f"Email: {comment.email}",
    ]
    if comment.website:
        lines.append(f"Website: {comment.website}")
    if comment.spam_signals:
        lines.append(f"Held because: {comment.spam_signals}")
    lines += [
        "",
        comment.body,
        "",
        f"Approve, reject or mark as spam: {absolute_url(change_url, request)}",
        f"Everything waiting: {absolute_url(queue_url, request)}",
    ]
    body = "\n".join(lines)
    messages = [(subject, body, None, [address]) for address in recipients]
    try:
        return send_mass_mail(messages)
    except Exception:
        logger.exception("Could not email moderators about comment %s.", comment.pk)
        return 0


def notify_reply(comment, *, request=None):
    """Tell the parent comment's author about an approved reply, if they asked for it."""
    parent = comment.parent
    if parent is None or not parent.notify_replies or not parent.is_approved():
        return 0
    if parent.email.casefold() == comment.email.casefold():
        return 0
    headline = _one_line(comment.article.headline)
    body = "\n".join(
        [
            f"{comment.name} replied to your comment on “{headline}”:",
            "",
            comment.body,
            "",
            f"Read the conversation: {absolute_url(comment.get_absolute_url(), request)}",
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
