"""View counting for "Popular News": no cookies, no addresses, one atomic upsert per view."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import Article, DailyViews

POPULAR_CACHE_KEY = "popular:ids"
POPULAR_CACHE_SECONDS = 60
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|fetch|preview|monitor|curl|wget|python-requests|httpclient|headless",
    re.IGNORECASE,
)


def is_bot(user_agent):
    return not user_agent or bool(BOT_PATTERN.search(user_agent))


def record_view(article_id):
    """Add one view to today's counter for the article; safe under concurrent requests."""
    day = timezone.localdate()
    updated = DailyViews.objects.filter(article_id=article_id, day=day).update(views=F("views") + 1)
    if updated:
        return
    try:
        with transaction.atomic():
            DailyViews.objects.create(article_id=article_id, day=day, views=1)
    except IntegrityError:
        # Another process created today's row between our update and insert.
        DailyViews.objects.filter(article_id=article_id, day=day).update(views=F("views") + 1)


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
