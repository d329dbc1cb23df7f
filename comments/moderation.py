"""Who may comment, what is held or binned, and every change of a comment's status.

Article pages are cached whole and shared between visitors, so the comment form in them
carries no CSRF token and no session. The POST view is exempt from Django's CSRF check and
is protected instead by these defences, none of which needs an outside service:

- Same origin: a POST whose Origin header (or, without one, Referer) names another host is
  refused with 403. A browser always sends one of them on a cross-site form POST; tools that
  strip both still meet the rules below.
- Honeypot: a field hidden from people. A bot that fills it is told "thank you" and nothing
  is saved.
- Form token: a signed timestamp, fetched as the page loads (``comments.js`` asks
  ``/comments/token/`` once the page is read, and again on focus if that failed) or printed
  in the pages that are never cached (the no-JavaScript reply page and every re-rendered
  form). Its clock therefore starts when the reader sees the page, not when they start
  writing: someone who reads, then pastes a prepared comment or lets the browser autofill
  the form, is not taken for a script.

  * Missing or forged: refused (400) with the form re-rendered, what was typed kept and a
    fresh token in it, asking the reader to send it again. A reader without JavaScript
    therefore confirms a top-level comment once; replies from the reply page go in one step.
  * Older than ``NEWSROOM_COMMENT_FORM_MAX_AGE`` (a day): refused the same way.
  * Sent sooner than ``NEWSROOM_COMMENT_MIN_SECONDS`` (3 s) after the page loaded: accepted
    but held for a moderator with the reason in ``spam_signals``, and never approved
    automatically. A person pasting a prepared comment is not turned away; a script is
    flagged.
- More than ``NEWSROOM_COMMENT_MAX_LINKS`` links: held, with the reason.
- A word or domain from ``NEWSROOM_COMMENT_BLOCKLIST`` in the name, email, website or text:
  saved as spam, out of the moderation queue.
- The same comment sent again (same article, email, name, text and parent, within a day)
  while the first copy is not public: answered exactly like the first post and not stored
  twice, so the answer reveals nothing about held, binned or rejected comments.
- Rate limit: ``NEWSROOM_COMMENT_RATE_LIMIT`` posts per ``NEWSROOM_COMMENT_RATE_PERIOD``
  seconds per client, counted in the Django cache (shared by every app process when Redis is
  configured) under a salted hash of the address; 429 beyond it. If the cache is down, no
  limit applies: slower, never broken.

Privacy: the client address itself is never stored. ``ip_hash`` is an HMAC of it keyed with
SECRET_KEY (for the rate limit and for grouping spam); with the browser's user agent it is
kept for ``NEWSROOM_COMMENT_FINGERPRINT_DAYS`` (30) days, then blanked by the
``purge_comment_fingerprints`` management command (run it daily).
"""

import logging
import re
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsroom import origin
from newsroom.client_ip import client_ip

from . import notifications
from .models import Comment
from .signals import public_comments_changed

logger = logging.getLogger(__name__)

TOKEN_SALT = "comments.form-token"
LINK = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
USER_AGENT_LENGTH = Comment._meta.get_field("user_agent").max_length
SIGNALS_LENGTH = Comment._meta.get_field("spam_signals").max_length


def comments_are_open(article, now=None):
    """Open unless switched off on the article or older than the automatic closing age.

    ``NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS`` is 0 (never close by age) by default, as in
    WordPress; a newsroom plagued by spam on old pieces sets it to e.g. 30.
    """
    if not article.comments_open:
        return False
    if not article.live_comments_open and article.live_state(now) == "live":
        return False  # switched off for the time its live coverage runs
    days = settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS
    if days <= 0 or article.publish_at is None:
        return True
    return article.publish_at > (now or timezone.now()) - timedelta(days=days)


def is_same_origin(request):
    # Tools that send neither header still meet the rules below.
    return origin.is_same_origin(request, allow_missing=True)


def client_fingerprint(request):
    """A salted hash of the client address (behind the trusted proxies, newsroom.client_ip);
    the address itself goes nowhere."""
    address = client_ip(request)
    return salted_hmac("comments.client", address, algorithm="sha256").hexdigest()


def is_rate_limited(fingerprint):
    """Count one post for this client; True once it is over the limit for the period."""
    limit = settings.NEWSROOM_COMMENT_RATE_LIMIT
    if limit <= 0:
        return False
    key = f"comments:rate:{fingerprint}"
    period = settings.NEWSROOM_COMMENT_RATE_PERIOD
    try:
        cache.add(key, 0, timeout=period)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period)
            count = 1
    except Exception:
        logger.warning("Comment rate limit skipped: the cache is unavailable.", exc_info=True)
        return False
    return count > limit


def new_form_token():
    return signing.Signer(salt=TOKEN_SALT).sign(str(int(time.time())))


def form_token_age(token):
    """Seconds since the token was issued, or None when it is missing or forged."""
    try:
        issued = int(signing.Signer(salt=TOKEN_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return max(0, int(time.time()) - issued)


def blocklisted_terms(text):
    found = []
    for term in settings.NEWSROOM_COMMENT_BLOCKLIST:
        if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE):
            found.append(term)
    return found


def count_links(text):
    return len(LINK.findall(text))


def reply_depth(parent):
    """How deep a reply to `parent` would sit in the thread readers see (top level is 1)."""
    parents = dict(
        Comment.objects.approved()
        .filter(article_id=parent.article_id)
        .values_list("pk", "parent_id")
    )
    depth, current = 2, parent.parent_id
    while current in parents and depth <= len(parents) + 1:
        depth, current = depth + 1, parents[current]
    return depth


def can_take_reply(parent):
    return reply_depth(parent) <= settings.NEWSROOM_COMMENT_MAX_DEPTH


def assess(comment, token_age):
    """The status a new comment starts in, and why it was held or binned."""
    everything = " ".join([comment.name, comment.email, comment.website, comment.body])
    blocked = blocklisted_terms(everything)
    if blocked:
        return Comment.Status.SPAM, [f"blocklisted: {', '.join(blocked)}"]
    signals = []
    links = count_links(comment.body)
    if links > settings.NEWSROOM_COMMENT_MAX_LINKS:
        signals.append(f"{links} link{'s' if links != 1 else ''}")
    if token_age < settings.NEWSROOM_COMMENT_MIN_SECONDS:
        signals.append(f"sent {token_age} s after the page was opened")
    return Comment.Status.PENDING, signals


def is_trusted(comment):
    """WordPress's "comment author must have a previously approved comment", if enabled."""
    if not settings.NEWSROOM_COMMENT_TRUST_RETURNING:
        return False
    approved = Comment.objects.approved().filter(email__iexact=comment.email)
    # A copy of a published comment waits for a moderator rather than appearing twice.
    return (
        approved.exists()
        and not approved.filter(article_id=comment.article_id, body=comment.body).exists()
    )


def submit(comment, *, token_age, fingerprint="", user_agent="", request=None):
    """Save a reader's new comment in the status the rules give it, and tell who needs to know."""
    status, signals = assess(comment, token_age)
    comment.status = status
    comment.spam_signals = "; ".join(signals)[:SIGNALS_LENGTH]
    comment.ip_hash = fingerprint
    comment.user_agent = user_agent[:USER_AGENT_LENGTH]
    comment.save()
    if status == Comment.Status.PENDING:
        if not signals and is_trusted(comment):
            approve(comment, request=request)
        else:
            notifications.notify_moderators(comment, request=request)
    return comment


def set_status(comment, status, *, request=None):
    """The one place a comment's status changes after it was posted.

    The caches follow from the save (newsroom.signals); anything else that must follow a
    change readers can see listens to ``comments.signals.public_comments_changed``.
    """
    previous = comment.status
    if previous == status:
        return False
    comment.status = status
    comment.save(update_fields=["status"])
    if Comment.Status.APPROVED in (previous, status):
        public_comments_changed.send(sender=Comment, comment=comment, article=comment.article)
    if status == Comment.Status.APPROVED:
        notifications.notify_reply(comment, request=request)
    return True


def approve(comment, *, request=None):
    return set_status(comment, Comment.Status.APPROVED, request=request)


def reject(comment, *, request=None):
    return set_status(comment, Comment.Status.REJECTED, request=request)


def mark_spam(comment, *, request=None):
    return set_status(comment, Comment.Status.SPAM, request=request)


def purge_fingerprints(days=None):
    """Blank the address hash and browser of comments older than the retention period."""
    if days is None:
        days = settings.NEWSROOM_COMMENT_FINGERPRINT_DAYS
    return Comment.objects.forget_fingerprints(before=timezone.now() - timedelta(days=days))
