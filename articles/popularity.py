"""View counting for "Popular News": no cookies, no addresses, no database write per view.

The beacon an article page sends (static/js/site.js) counts when it comes from one of our
pages (Origin or Referer), from a browser rather than a bot, and from a client that has not
been counted for that article in the last ``COUNT_ONCE_PER`` seconds. The client is known
only by a salted hash of its address, kept in the cache for that hour and nowhere else.

Counts are added up in the cache (Redis in production, shared by every app process) in
per-minute buckets, and folded into ``DailyViews`` at most once a minute by whichever beacon
first arrives in a new minute, or at once by ``manage.py fold_view_counts``. The ranking
therefore trails the readers by a minute or two. If the cache is down, views are not
counted: the page is never slower for it.
"""

import contextlib
import logging
import re
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject

from newsroom import origin
from newsroom.client_ip import client_ip

from .models import Article, DailyViews

logger = logging.getLogger(__name__)

POPULAR_CACHE_KEY = "popular:ids"
POPULAR_CACHE_SECONDS = 60
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|fetch|preview|monitor|curl|wget|python-requests|httpclient|headless",
    re.IGNORECASE,
)
COUNT_ONCE_PER = 60 * 60  # seconds: one view per client and article
# Buckets not folded within this time (say, no beacon and no cron for a day) are forgotten.
BUCKET_SECONDS = 60 * 60 * 24
FOLD_LOCK_SECONDS = 60


def is_bot(user_agent):
    return not user_agent or bool(BOT_PATTERN.search(user_agent))


def _minute(now=None):
    return int((now if now is not None else time.time()) // 60)


def _counter_key(minute, article_id):
    return f"views:count:{minute}:{article_id}"


def _sequence_key(minute):
    return f"views:seq:{minute}"


def _slot_key(minute, n):
    return f"views:slot:{minute}:{n}"


FOLDED_UPTO_KEY = "views:folded-upto"
FOLD_LOCK_KEY = "views:folding"


def _fold_due_key(minute):
    return f"views:fold-due:{minute}"


def count_beacon(request, article_id, now=None):
    """Count the view a beacon reports, if it is one; True when it was counted.

    Reads the database once (is the article live?) and writes to it only in the one
    request a minute that folds the counts.
    """
    if not origin.is_same_origin(request, allow_missing=False):
        return False
    if is_bot(request.headers.get("User-Agent", "")):
        return False
    if not Article.objects.published().filter(pk=article_id).exists():
        return False
    client = salted_hmac("articles.views", client_ip(request), algorithm="sha256").hexdigest()
    minute = _minute(now)
    try:
        if not cache.add(f"views:seen:{article_id}:{client}", 1, timeout=COUNT_ONCE_PER):
            return False
        _add_to_bucket(minute, article_id)
        fold_due = cache.add(_fold_due_key(minute), 1, timeout=120)
    except Exception:
        logger.warning("View not counted: the cache is unavailable.", exc_info=True)
        return False
    if fold_due:
        fold_view_counts(now=now)
    return True


def _add_to_bucket(minute, article_id):
    key = _counter_key(minute, article_id)
    if cache.add(key, 1, timeout=BUCKET_SECONDS):
        # The first view of this article in this minute: list it for the fold.
        cache.add(_sequence_key(minute), 0, timeout=BUCKET_SECONDS)
        n = cache.incr(_sequence_key(minute))
        cache.set(_slot_key(minute, n), article_id, timeout=BUCKET_SECONDS)
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=BUCKET_SECONDS)


def fold_view_counts(now=None):
    """Move the view counts from the cache into DailyViews; return how many views moved.

    One process folds at a time (a lock in the cache). Each bucket's counts are written,
    then taken off the bucket by the same amount, so views counted meanwhile wait for the
    next fold; a bucket is dropped from the scan once it can get no more views.
    """
    current = _minute(now)
    try:
        if not cache.add(FOLD_LOCK_KEY, 1, timeout=FOLD_LOCK_SECONDS):
            return 0
    except Exception:
        logger.warning("View counts not folded: the cache is unavailable.", exc_info=True)
        return 0
    try:
        return _fold(current)
    except Exception:
        # The database or the cache failed: the counts stay in the cache for the next fold.
        logger.warning("View counts not folded this time.", exc_info=True)
        return 0
    finally:
        with contextlib.suppress(Exception):
            cache.delete(FOLD_LOCK_KEY)


def _fold(current):
    oldest = current - BUCKET_SECONDS // 60
    first = max(cache.get(FOLDED_UPTO_KEY, oldest) + 1, oldest)
    minutes = range(first, current + 1)
    sequences = cache.get_many([_sequence_key(m) for m in minutes])
    slots = []
    for m in minutes:
        slots += [_slot_key(m, n) for n in range(1, sequences.get(_sequence_key(m), 0) + 1)]
    listed = cache.get_many(slots)
    keys = {}  # counter key -> (minute, article id)
    for slot, article_id in listed.items():
        minute = int(slot.split(":")[2])
        keys[_counter_key(minute, article_id)] = (minute, article_id)
    counts = {key: n for key, n in cache.get_many(list(keys)).items() if n > 0}
    per_day = {}
    for key, n in counts.items():
        minute, article_id = keys[key]
        day = timezone.localdate(datetime.fromtimestamp(minute * 60, tz=UTC))
        per_day[(article_id, day)] = per_day.get((article_id, day), 0) + n
    articles = {article_id for article_id, _day in per_day}
    existing = set(Article.objects.filter(pk__in=articles).values_list("pk", flat=True))
    with transaction.atomic():
        for (article_id, day), n in per_day.items():
            if article_id in existing:  # not deleted since
                add_views(article_id, day, n)
    for key, n in counts.items():
        with contextlib.suppress(ValueError):  # the bucket expired meanwhile
            cache.decr(key, n)
    # A bucket two minutes old gets no more views (a beacon in flight at the turn of the
    # minute has had a minute to land): no need to scan it again.
    cache.set(FOLDED_UPTO_KEY, current - 2, timeout=BUCKET_SECONDS)
    return sum(counts.values())


def add_views(article_id, day, views):
    """Add views to the article's counter for the day; safe under concurrent requests."""
    rows = DailyViews.objects.filter(article_id=article_id, day=day)
    if rows.update(views=F("views") + views):
        return
    try:
        with transaction.atomic():
            DailyViews.objects.create(article_id=article_id, day=day, views=views)
    except IntegrityError:
        # Another process created the day's row between our update and insert.
        rows.update(views=F("views") + views)


def popular(limit=5):
    """Most viewed published articles over the last POPULAR_DAYS; latest ones fill any gap.

    Lazy: nothing is read until a template uses the list, so a page whose "Popular News"
    comes from the fragment cache (templates/includes/sidebar.html) costs no query for it.
    """
    return SimpleLazyObject(lambda: _popular(limit))


def _popular(limit):
    # The ranking (article ids) is computed at most once a minute and shared through the
    # cache; the articles are read through published(), so none is ever shown stale.
    ranked_ids = cache.get(POPULAR_CACHE_KEY)
    if ranked_ids is None:
        ranked_ids = most_viewed_ids(limit * 4)  # spares for ids that are no longer live
        cache.set(POPULAR_CACHE_KEY, ranked_ids, POPULAR_CACHE_SECONDS)
    published = Article.objects.published().for_listing()
    live = published.in_bulk(ranked_ids) if ranked_ids else {}
    ranked = [live[pk] for pk in ranked_ids if pk in live][:limit]
    if len(ranked) < limit:
        seen = [article.pk for article in ranked]
        ranked += list(published.exclude(pk__in=seen)[: limit - len(ranked)])
    return ranked


def most_viewed_ids(count):
    since = timezone.localdate() - timedelta(days=settings.NEWSROOM_POPULAR_DAYS - 1)
    return list(
        DailyViews.objects.filter(day__gte=since)
        .values("article_id")
        .annotate(recent_views=Sum("views"))
        .order_by("-recent_views", "-article_id")
        .values_list("article_id", flat=True)[:count]
    )
