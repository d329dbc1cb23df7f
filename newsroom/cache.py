"""Whole-page caching for anonymous readers, and the one way to invalidate it.

Every page an anonymous reader can GET is stored whole in the Django cache (Redis when
REDIS_URL is set, so every app process shares it). Correctness comes from one
*generation* number: every change a reader could see calls ``invalidate_pages()``, which
bumps it, and every cache key includes it, so the next request on any process renders
afresh. A stored page also never outlives the next scheduled ``publish_at`` (a scheduled
article appears on time) nor the end of the local day (the date bar stays right).

Staff carry a session cookie; their requests neither read nor fill the cache. A response
that sets a cookie, or says it is private, is never stored.

``ResilientRedisCache`` keeps the site up when Redis is not: cache calls fail fast, are
logged once per outage, and behave as misses until Redis answers again.
"""

import hashlib
import logging
import time
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
CACHEABLE_STATUS = {200, 301, 404}
STORED_HEADERS = ("Content-Type", "Location", "Content-Language", "X-Robots-Tag", "Link")


def invalidate_pages():
    """Make every cached page stale, on every app process. Called from newsroom.signals."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was never set, or was evicted
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        cache.add(GENERATION_KEY, generation, timeout=None)
    return generation


def page_lifetime(now=None):
    """Seconds a page may be stored: the setting, cut short by the next scheduled article
    and by local midnight."""
    from articles.models import Article

    now = now or timezone.now()
    limits = [settings.NEWSROOM_PAGE_CACHE_SECONDS]
    next_publish = (
        Article.objects.scheduled().order_by("publish_at").values_list("publish_at", flat=True)
    ).first()
    if next_publish is not None:
        limits.append((next_publish - now).total_seconds())
    local = timezone.localtime(now)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
    limits.append((timezone.make_aware(midnight) - now).total_seconds())
    return max(1, int(min(limits)))


def _key(request, generation):
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pages:{generation}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _is_anonymous(request):
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _storable(request, response):
    """Only a response that is the same for every anonymous reader may be shared."""
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return (
        response.status_code in CACHEABLE_STATUS
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not (session is not None and session.accessed)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (messages is not None and (messages.used or messages._queued_messages))
    )


class PageCacheMiddleware:
    """Serve anonymous GETs from the page cache; store what may be shared."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0:
            # Switched off (PAGE_CACHE_SECONDS=0): every request renders, nothing is shared.
            return self._private(self.get_response(request))
        if request.method not in ("GET", "HEAD") or not self._applies(request):
            return self._private(self.get_response(request))
        generation = _generation()
        key = _key(request, generation)
        stored = cache.get(key)
        # The expiry is checked here too, not left to the cache alone: the page must not
        # outlive a scheduled publish time even if the backend keeps it a little longer.
        if stored is not None and stored[3] > time.time():
            return self._rebuild(stored)
        response = self.get_response(request)
        if not _storable(request, response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        lifetime = page_lifetime()
        self._make_public(response, lifetime)
        headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
        headers["Last-Modified"] = http_date()
        headers["ETag"] = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        expires_at = time.time() + lifetime
        cache.set(key, (response.status_code, headers, response.content, expires_at), lifetime)
        for name, value in headers.items():
            response[name] = value
        response["X-Cache"] = "MISS"
        return response

    @staticmethod
    def _applies(request):
        admin_prefix = "/" + settings.NEWSROOM_ADMIN_PATH
        return _is_anonymous(request) and not request.path.startswith(admin_prefix)

    @staticmethod
    def _private(response):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def _make_public(response, lifetime):
        max_age = min(settings.NEWSROOM_HTTP_MAX_AGE, lifetime)
        patch_cache_control(
            response, public=True, max_age=max_age, stale_while_revalidate=max_age * 5
        )
        patch_vary_headers(response, ["Cookie"])

    def _rebuild(self, stored):
        status, headers, content, expires_at = stored
        response = HttpResponse(content, status=status)
        for name, value in headers.items():
            response[name] = value
        self._make_public(response, max(1, int(expires_at - time.time())))
        response["X-Cache"] = "HIT"
        return response


def _resilient(method_name, default=None):
    """Wrap one RedisCache method so a Redis outage returns `default` instead of raising."""

    def fallback(args, kwargs):
        if method_name == "get":
            return kwargs.get("default", args[1] if len(args) > 1 else None)
        return default() if callable(default) else default

    def method(self, *args, **kwargs):
        cls = ResilientRedisCache
        if time.monotonic() < cls.down_until:
            return fallback(args, kwargs)
        try:
            result = getattr(RedisCache, method_name)(self, *args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
            cls.down_until = time.monotonic() + cls.RETRY_AFTER
            if not cls.outage_logged:
                cls.outage_logged = True
                logger.error("Cache unreachable, serving uncached: %s", error)
            return fallback(args, kwargs)
        if cls.outage_logged:
            cls.outage_logged = False
            logger.warning("Cache reachable again; dropping pages cached before the outage.")
            # Invalidations made during the outage were lost: start a new generation.
            RedisCache.set(self, GENERATION_KEY, time.time_ns(), timeout=None)
        return result

    method.__name__ = method_name
    return method


class ResilientRedisCache(RedisCache):
    """A Redis cache that turns an outage into cache misses instead of errors.

    After a failure, Redis is not asked again for RETRY_AFTER seconds, so a dead Redis
    costs each request nothing; the first failure of an outage is logged, the rest are not.
    """

    RETRY_AFTER = 2.0
    down_until = 0.0
    outage_logged = False

    get = _resilient("get")
    set = _resilient("set")
    add = _resilient("add", False)
    delete = _resilient("delete", False)
    touch = _resilient("touch", False)
    get_many = _resilient("get_many", dict)
    set_many = _resilient("set_many", list)
    delete_many = _resilient("delete_many")
    has_key = _resilient("has_key", False)
    clear = _resilient("clear")
    incr = _resilient("incr", 0)
