"""Whole-page caching for anonymous readers, and the one way to renew it.

Every page an anonymous reader can GET is stored whole in the Django cache (Redis when
REDIS_URL is set, so every app process shares it). Each stored page and fragment records
the *keys* of what it shows (``article:123``, ``listing:home``, ``menu``...); every change a
reader could see calls ``renew()`` with the keys it touched, which makes exactly the copies
showing them stale on every process and purges them from the caches in front. A stored
page also never outlives the next scheduled publish time (a scheduled article appears on
time) nor the end of the local day (the date bar stays right).

By concern:

- ``versions``: the keys' stamps and ``renew()``, the one invalidation path;
- ``purgers``: purging the renewed keys from Varnish or a CDN in front (``CACHE_PURGERS``);
- ``lifetimes``: how long a page may be kept; the next scheduled publish time, asked of the
  function an app registers (``register_schedule()``);
- ``middleware``: ``PageCacheMiddleware`` and the WSGI shortcut ``PageCacheApp``;
- ``fragments``: rendered fragments (``{% fragment %}``, comment threads), with a per-process
  copy, and ``Fragments``, the keys a request's page shows;
- ``paginator``: ``CachedCountPaginator``, a listing's count shared until the listing changes;
- ``redis_backend``: ``ResilientRedisCache``, Redis down means slower, never broken;
- ``keys``: cache keys that name the database (``make_key``), ``forget_database()``.

The names other code uses are importable from here (``newsroom.cache.PageCacheMiddleware``
in settings).
"""

from . import purgers
from .fragments import FRAGMENT_SECONDS, Fragments, RenderedCache, rendered, templates_release
from .keys import forget_database, make_key
from .lifetimes import SCHEDULE_KEY, next_scheduled_publish, page_lifetime, register_schedule
from .middleware import (
    PageCacheApp,
    PageCacheMiddleware,
    fresh_page,
    page_key,
    renders,
    without_tracking,
)
from .paginator import CachedCountPaginator
from .redis_backend import ResilientRedisCache
from .versions import CLOCK_KEY, CONTENT, SITE, invalidate_pages, renew, stamps

__all__ = [
    "CLOCK_KEY",
    "CONTENT",
    "FRAGMENT_SECONDS",
    "SCHEDULE_KEY",
    "SITE",
    "CachedCountPaginator",
    "Fragments",
    "PageCacheApp",
    "PageCacheMiddleware",
    "RenderedCache",
    "ResilientRedisCache",
    "forget_database",
    "fresh_page",
    "invalidate_pages",
    "make_key",
    "next_scheduled_publish",
    "page_key",
    "page_lifetime",
    "purgers",
    "register_schedule",
    "rendered",
    "renders",
    "renew",
    "stamps",
    "templates_release",
    "without_tracking",
]
