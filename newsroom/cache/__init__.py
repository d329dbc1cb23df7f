"""Whole-page caching for anonymous readers, and the one way to invalidate it.

Every page an anonymous reader can GET is stored whole in the Django cache (Redis when
REDIS_URL is set, so every app process shares it). Correctness comes from one
*generation* number: every change a reader could see calls ``invalidate_pages()``, which
bumps it, and every stored page records the generation it was rendered in, so the next
request on any process renders afresh. A stored page also never outlives the next
scheduled publish time (a scheduled article appears on time) nor the end of the local
day (the date bar stays right).

By concern:

- ``generations``: the generation number and ``invalidate_pages()``, the one invalidation path;
- ``lifetimes``: how long a page may be kept; the next scheduled publish time, asked of the
  function an app registers (``register_schedule()``);
- ``middleware``: ``PageCacheMiddleware`` and the WSGI shortcut ``PageCacheApp``;
- ``fragments``: rendered fragments (``{% fragment %}``, comment threads), with a per-process copy;
- ``paginator``: ``CachedCountPaginator``, a listing's count shared per generation;
- ``redis_backend``: ``ResilientRedisCache``, Redis down means slower, never broken;
- ``keys``: cache keys that name the database (``make_key``), ``forget_database()``.

The names other code uses are importable from here (``newsroom.cache.PageCacheMiddleware``
in settings).
"""

from .fragments import FRAGMENT_SECONDS, Fragments, RenderedCache, rendered, templates_release
from .generations import GENERATION_KEY, invalidate_pages, version
from .keys import forget_database, make_key
from .lifetimes import SCHEDULE_KEY, next_scheduled_publish, page_lifetime, register_schedule
from .middleware import (
    PageCacheApp,
    PageCacheMiddleware,
    fresh_page,
    page_key,
    without_tracking,
)
from .paginator import CachedCountPaginator
from .redis_backend import ResilientRedisCache

__all__ = [
    "FRAGMENT_SECONDS",
    "GENERATION_KEY",
    "SCHEDULE_KEY",
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
    "register_schedule",
    "rendered",
    "templates_release",
    "version",
    "without_tracking",
]
