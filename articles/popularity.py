"""View counting for "Popular News": no cookies, no addresses, one atomic upsert per view."""

import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from .models import Article, DailyViews

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
    """Most viewed published articles over the last POPULAR_DAYS; latest ones fill any gap."""
    since = timezone.localdate() - timedelta(days=settings.NEWSROOM_POPULAR_DAYS - 1)
    published = Article.objects.published().for_listing()
    ranked = list(
        published.filter(daily_views__day__gte=since)
        .annotate(recent_views=Sum("daily_views__views"))
        .order_by("-recent_views", "-publish_at")[:limit]
    )
    if len(ranked) < limit:
        seen = [article.pk for article in ranked]
        ranked += list(published.exclude(pk__in=seen)[: limit - len(ranked)])
    return ranked
