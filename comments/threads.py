"""Approved comments as a tree, built in Python from one query whatever their number.

The rendered thread of an article is kept in the cache until the article's comments key
(``signals.comments_key()``) is renewed, which comments.signals does through the one
invalidation path (newsroom.cache.renew) whenever a public comment of the article changes.
Re-rendering the page after another change to it (an edit, a new neighbour) then costs no
comment query and no comment template: on a busy story, hundreds of comments.
"""

import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

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


# One comment's own markup, without its replies; kept on its own, keyed on everything it
# shows, so that after a change to the thread (a new comment) only the new one is rendered.
COMMENT_TEMPLATE = "comments/comment.html"
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
        return thread_html(thread, self.is_open)

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


def _comment_key(node, can_reply):
    """The key of one comment's markup: everything it shows, and the language."""
    comment = node.comment
    digest = hashlib.blake2b(digest_size=16)
    shown = (
        get_language(),
        comment.status,
        comment.name,
        comment.website,
        comment.body,
        comment.created_at.isoformat(),
        can_reply,
        node.can_reply,
    )
    for part in shown:
        digest.update(str(part).encode())
        digest.update(b"\0")
    return f"comment:{comment.pk}:{digest.hexdigest()}"


def thread_html(thread, can_reply):
    """The thread's markup: each comment's own from the rendered cache (COMMENT_TEMPLATE,
    rendered only when it is new or changed), nested in lists here, without a template per
    comment: a busy story's page after a new comment costs its query and little more."""
    if not thread:
        return ""
    keys, renders = {}, {}

    def collect(nodes):
        for node in nodes:
            key = keys[node.comment.pk] = _comment_key(node, can_reply)
            context = {"comment": node.comment, "node": node, "can_reply": can_reply}
            renders[key] = functools.partial(render_to_string, COMMENT_TEMPLATE, context)
            collect(node.replies)

    collect(thread)
    markup = rendered.get_or_render_many(renders, THREAD_CACHE_SECONDS)
    parts = ['<ol class="comment-list">\n']

    def assemble(nodes):
        for node in nodes:
            parts.append(f'<li class="comment" id="comment-{node.comment.pk}">\n')
            parts.append(markup[keys[node.comment.pk]])
            if node.replies:
                parts.append('\n<ol class="comment-list comment-list--replies">\n')
                assemble(node.replies)
                parts.append("</ol>")
            parts.append("\n</li>\n")

    assemble(thread)
    parts.append("</ol>\n")
    return mark_safe("".join(parts))  # each comment's markup escaped by its template


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
