"""How long a page or fragment may be kept: the setting, cut short by the next scheduled
publish time (a scheduled article appears on time) and by local midnight (the date bar)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

# (clock reading, the next scheduled publish_at or None): set by every renewal (scheduling an
# article is a change readers will see); between two, the answer only runs out.
SCHEDULE_KEY = "pages:next-publish"

_schedule = []


def register_schedule(function):
    """Name the function that answers the next scheduled publish time (a datetime, or None
    when nothing is scheduled). The app that schedules content registers it in its
    AppConfig.ready(); the cache machinery knows no app's models."""
    _schedule[:] = [function]
    return function


def next_scheduled_publish():
    return _schedule[0]() if _schedule else None


def next_publish(found):
    """The next scheduled publish time, from the database only when the one noted has come
    (``found``: what a get_many() read, SCHEDULE_KEY among it)."""
    known = found.get(SCHEDULE_KEY)
    if known is not None and (known[1] is None or known[1] > timezone.now()):
        return known[1]
    upcoming = next_scheduled_publish()
    cache.set(SCHEDULE_KEY, (known[0] if known else 0, upcoming), timeout=None)
    return upcoming


def page_lifetime(now=None, next_publish=..., longest=None):
    """Seconds a page may be stored: the setting (or ``longest``), cut short by the next
    scheduled article and by local midnight."""
    now = now or timezone.now()
    limits = [settings.NEWSROOM_PAGE_CACHE_SECONDS if longest is None else longest]
    if next_publish is ...:
        next_publish = next_scheduled_publish()
    if next_publish is not None:
        limits.append((next_publish - now).total_seconds())
    local = timezone.localtime(now)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
    limits.append((timezone.make_aware(midnight) - now).total_seconds())
    return max(1, int(min(limits)))
