"""Approved comments as a tree, built in Python from one query whatever their number.

The rendered thread of an article is kept in the cache until the article's comments key
(``signals.comments_key()``) is renewed, which comments.signals does through the one
invalidation path (newsroom.cache.renew) whenever a public comment of the article changes.
Re-rendering the page after another change to it (an edit, a new neighbour) then costs no
comment query and no comment template: on a busy story, hundreds of comments.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.template.loader import render_to_string

from newsroom.cache import Fragments, rendered

from . import receipts
from .forms import CommentForm
from .models import Comment
from .moderation import comments_are_open
from .signals import comments_key


@dataclass
class ThreadNode:
    comment: Comment
    depth: int
    can_reply: bool
    replies: list = field(default_factory=list)


THREAD_TEMPLATE = "comments/thread.html"
# Nothing in a rendered thread goes stale by itself (dates are absolute, whether replies are
# open is part of the key); the lifetime only bounds what an unused article keeps in memory.
THREAD_CACHE_SECONDS = 60 * 60 * 24


@dataclass
class CommentArea:
    """Everything the comment area of an article page shows. Nothing is read from the
    database until the page asks, and the public thread comes from the cache when it can."""

    article: object
    is_open: bool
    fragments: object  # newsroom.cache.Fragments: checks the thread against its key
    own_comment: Comment | None = None

    @cached_property
    def form(self):
        """The empty form: built only when its markup is not taken from the cache."""
        return CommentForm(self.article)

    @cached_property
    def _public(self):
        """(count, rendered thread) of the approved comments, shared by every reader."""
        if self.own_comment is not None and not self.own_comment.is_approved():
            # One poster's page also shows their pending comment: rendered for them only.
            approved = list(public_comments(self.article))
            thread = build_thread([*approved, self.own_comment])
            return len(approved), self._render(thread)
        key = f"comments:thread:{self.article.pk}:{int(self.is_open)}"
        return rendered.get_or_render(
            key,
            self._render_public,
            THREAD_CACHE_SECONDS,
            self.fragments,
            keys=(comments_key(self.article.pk),),
        )

    def _render_public(self):
        approved = list(public_comments(self.article))
        return len(approved), self._render(build_thread(approved))

    def _render(self, thread):
        # The fragments, for each comment's markup kept on its own (comments/comment.html).
        context = {"thread": thread, "can_reply": self.is_open, "fragments": self.fragments}
        return render_to_string(THREAD_TEMPLATE, context)

    @property
    def count(self):
        return self._public[0]

    @property
    def thread_html(self):
        return self._public[1]


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


def comment_area(article, fragments, receipt="", now=None):
    """The article page's comment area. The page shows the article's public comments: its
    key is read in the request's one round trip to the cache."""
    fragments.declare(comments_key(article.pk))
    return CommentArea(
        article=article,
        is_open=comments_are_open(article, now),
        own_comment=receipts.own_comment(article, receipt),
        fragments=fragments,
    )


def article_page_part(request, article):
    """The comment area of the article page (registered with articles.extensions): with a
    poster's receipt in the address, it shows them their comment awaiting moderation."""
    receipt = request.GET.get(receipts.PARAM, "")
    return {"comment_area": comment_area(article, Fragments.of(request), receipt)}
