"""A WordPress post's comments, imported with it (articles.wordpress, through
articles.extensions.register_wordpress_part).

Threading, name, email (never shown), website, date and status come along:
approved → approved, ``0`` → pending, ``spam`` → spam, ``trash`` → rejected. The comments
are written directly, not through comments.moderation: an import emails nobody and runs no
spam rules (those judged these comments years ago, on the old site).
"""

import hashlib
import html
import json
import re
from datetime import UTC

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from articles.wordpress.context import fingerprint
from articles.wordpress.mapping import WordPressObject

from .models import Comment

STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REJECTED,
    "post-trashed": Comment.Status.REJECTED,
}
NOT_COMMENTS = {"pingback", "trackback"}
KIND = WordPressObject.Kind.COMMENT
BODY_LIMIT = Comment._meta.get_field("body").max_length
# What the import writes to a comment: changed here since (moderated, edited), it is left alone.
WRITTEN = ("article_id", "parent_id", "name", "email", "website", "body", "status")


def text_of(content):
    """A comment's HTML as the plain text comments are stored in (the page escapes it and
    turns blank lines back into paragraphs)."""
    content = re.sub(r"<br\s*/?>", "\n", content or "", flags=re.I)
    content = re.sub(r"</p\s*>", "\n\n", content, flags=re.I)
    content = html.unescape(strip_tags(content))
    return re.sub(r"\n{3,}", "\n\n", content).strip()


def read_date(value):
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return parse_datetime(value.replace(" ", "T", 1))
    except ValueError:
        return None


def posted_at(comment):
    """``comment_date_gmt``, else ``comment_date`` in the site's time zone, else None."""
    parsed = read_date(comment.get("wp:comment_date_gmt"))
    if parsed is not None:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
    parsed = read_date(comment.get("wp:comment_date"))
    if parsed is not None and parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed)
    return parsed


def parent_of(comment):
    """The WordPress ID of the comment it answers, or "0": one naming itself answers none."""
    parent = (comment.get("wp:comment_parent") or "0").strip() or "0"
    return "0" if parent == (comment.get("wp:comment_id") or "").strip() else parent


def in_thread_order(comments):
    """Parents before their replies, whatever order the file has them in."""
    ids = {c.get("wp:comment_id", "").strip() for c in comments}
    placed, ordered = set(), []
    waiting = sorted(comments, key=lambda c: int(c.get("wp:comment_id", "0").strip() or 0))
    for _round in range(len(waiting) + 1):  # bounded: each round places at least one, or stops
        if not waiting:
            break
        later = []
        for comment in waiting:
            parent = parent_of(comment)
            if parent == "0" or parent in placed or parent not in ids:
                ordered.append(comment)
                placed.add(comment.get("wp:comment_id", "").strip())
            else:
                later.append(comment)
        if len(later) == len(waiting):  # a loop of replies: take them as they are
            ordered += later
            break
        waiting = later
    return ordered


def import_comments(article, item, context, reason=None):
    report = context.report
    for comment in in_thread_order(item.get("comments", [])):
        wp_id = comment.get("wp:comment_id", "").strip()
        name = " ".join((comment.get("wp:comment_author") or "").split())[:80]
        label = _("comment by %(name)s") % {"name": name or "?"}
        if article is None:
            report.skipped("comments", wp_id, label, reason or _("its post was not imported"))
            continue
        kind = (comment.get("wp:comment_type") or "").strip()
        if kind in NOT_COMMENTS:
            report.skipped(
                "comments", wp_id, label, _("a %(kind)s, not a comment") % {"kind": kind}
            )
            continue
        if not wp_id:
            report.failed("comments", "?", label, _("no comment ID"))
            continue
        status = STATUSES.get((comment.get("wp:comment_approved") or "").strip())
        if status is None:
            report.skipped("comments", wp_id, label, _("unknown status"))
            continue
        body = text_of(comment.get("wp:comment_content", ""))
        if not body:
            report.skipped("comments", wp_id, label, _("empty"))
            continue
        parent_id = parent_of(comment)
        parent = None
        if parent_id != "0":
            parent, _row = context.target(KIND, parent_id, Comment)
            if parent is not None and parent.article_id != article.pk:
                parent = None
        fields = {
            "article": article,
            "parent": parent,
            "name": name or _("Anonymous"),
            "email": (comment.get("wp:comment_author_email") or "").strip()[:254],
            "website": (comment.get("wp:comment_author_url") or "").strip()[:200],
            "body": body[:BODY_LIMIT].rstrip(),
            "status": status,
        }
        date = posted_at(comment)
        digest = hashlib.sha256(
            json.dumps([comment, parent.pk if parent else None], sort_keys=True).encode()
        ).hexdigest()
        found, row = context.target(KIND, wp_id, Comment)
        if context.deleted_here(found, row, Comment):
            context.deleted_note("comments", wp_id, label)
            continue
        if found is not None and row.digest == digest:
            report.count("comments", "unchanged")
            continue
        if found is not None and context.edited_here(row, fingerprint(found, WRITTEN)):
            report.count("comments", "unchanged")
            context.edited_note("comments", wp_id, label)
            continue
        if found is None:
            found = Comment.objects.create(**fields)
            outcome = "created"
        else:
            for field, value in fields.items():
                setattr(found, field, value)
            found.save()
            outcome = "updated"
        if date is None and article.publish_at is not None:
            date = article.publish_at  # never "today": it would look like a new comment
            report.noted(
                "comments", wp_id, label, _("no usable date in WordPress: dated as its story")
            )
        elif date is None:
            report.noted(
                "comments", wp_id, label, _("no usable date in WordPress: dated when imported")
            )
        answered = (comment.get("wp:comment_parent") or "0").strip() or "0"
        if answered == wp_id:
            report.noted(
                "comments", wp_id, label, _("answers itself in WordPress: came in top-level")
            )
        elif answered != "0" and parent is None:
            report.noted(
                "comments",
                wp_id,
                label,
                _("answers comment %(id)s, which did not come in: came in top-level")
                % {"id": answered},
            )
        if len(body) > BODY_LIMIT:
            report.noted(
                "comments",
                wp_id,
                label,
                _("cut to %(limit)d characters (it had %(length)d)")
                % {"limit": BODY_LIMIT, "length": len(body)},
            )
        if date is not None:  # created_at is set on creation; the old date replaces it
            Comment.objects.filter(pk=found.pk).update(created_at=date)
        context.remember(KIND, wp_id, found, digest, row, fingerprint(found, WRITTEN))
        report.count("comments", outcome)
