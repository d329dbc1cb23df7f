"""Approved comments as a tree, built in Python from one query whatever their number."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from . import receipts
from .forms import CommentForm
from .models import Comment
from .moderation import comments_are_open


@dataclass
class ThreadNode:
    comment: Comment
    depth: int
    can_reply: bool
    replies: list = field(default_factory=list)


@dataclass
class CommentArea:
    """Everything the comment area of an article page shows."""

    article: object
    thread: list
    count: int
    is_open: bool
    form: CommentForm
    own_comment: Comment | None = None


def build_thread(comments, max_depth=None):
    """Nest comments (in posting order) under their parents, at most `max_depth` deep.

    A comment whose parent is not in `comments` (say, a reply to a rejected comment) starts
    its own thread. Replies deeper than the limit, which only older data or the shell can
    make, are shown flat at the deepest level, as WordPress does.
    """
    if max_depth is None:
        max_depth = settings.NEWSROOM_COMMENT_MAX_DEPTH
    present = {comment.pk for comment in comments}
    children = defaultdict(list)
    for comment in comments:
        children[comment.parent_id if comment.parent_id in present else None].append(comment)

    def descendants(pk):
        stack, found = list(reversed(children.get(pk, []))), []
        while stack:
            comment = stack.pop()
            found.append(comment)
            stack.extend(reversed(children.get(comment.pk, [])))
        return found

    def grow(parent_pk, depth):
        nodes = []
        for comment in children.get(parent_pk, []):
            approved = comment.status == Comment.Status.APPROVED
            if depth < max_depth:
                nodes.append(ThreadNode(comment, depth, approved, grow(comment.pk, depth + 1)))
            else:
                nodes.append(ThreadNode(comment, depth, False))
                nodes.extend(ThreadNode(reply, depth, False) for reply in descendants(comment.pk))
        return nodes

    return grow(None, 1)


def public_comments(article):
    """The article's approved comments, without what must never reach a public page."""
    return article.comments.approved().defer("email", "ip_hash", "user_agent")


def comment_area(article, receipt="", now=None):
    approved = list(public_comments(article))
    shown = approved
    own = receipts.own_comment(article, receipt)
    if own is not None and own.status != Comment.Status.APPROVED:
        shown = [*approved, own]
    return CommentArea(
        article=article,
        thread=build_thread(shown),
        count=len(approved),
        is_open=comments_are_open(article, now),
        form=CommentForm(article),
        own_comment=own,
    )
