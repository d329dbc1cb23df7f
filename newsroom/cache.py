"""Whole-page caching for anonymous readers, and the one way to invalidate it.

Every page an anonymous reader can GET is stored whole in the Django cache (Redis when
REDIS_URL is set, so every app process shares it). Correctness comes from one
*generation* number: every change a reader could see calls ``invalidate_pages()``, which
bumps it, and every stored page records the generation it was rendered in, so the next
request on any process renders afresh. A stored page also never outlives the next
scheduled ``publish_at`` (a scheduled article appears on time) nor the end of the local
day (the date bar stays right).

Staff carry a session cookie; their requests neither read nor fill the cache. A response
that sets a cookie, or says it is private, is never stored.

``ResilientRedisCache`` keeps the site up when Redis is not: cache calls fail fast, are
logged once per outage, and behave as misses until Redis answers again.
"""

import functools
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from datetime import datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote_plus

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.paginator import Paginator
from django.db import connections
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.functional import cached_property
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
# (generation, the next scheduled publish_at or None): scheduling an article is a change
# readers will see, so it bumps the generation; within one, the answer only runs out.
SCHEDULE_KEY = "pages:next-publish"
CACHEABLE_STATUS = {200, 301, 404}
FRAGMENT_SECONDS = 300  # as long as a page, by default: relative dates ("3 hours ago") age alike
# Everything else the response carried is stored with the page and sent again on a hit,
# so a hit carries the security headers the rest of the middleware added to the original.
UNSTORED_HEADERS = {"set-cookie", "date", "content-length", "cache-control", "x-cache"}


def make_key(key, key_prefix, version):
    """Django's cache key with the database's name in it (settings.CACHES KEY_FUNCTION): two
    copies of the site sharing one Redis (a restored backup, a staging copy) share nothing,
    and a restored database never meets the pages cached for the site it was copied from."""
    return f"{key_prefix}:{connections['default'].settings_dict['NAME']}:{version}:{key}"


def forget_database(name):
    """Delete every key cached for the database `name` from a shared Redis (the restore
    command runs it for the database it creates: its name may have been used before)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return 0  # a process-local cache: no other process holds the database's keys
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    pattern = re.sub(r"([*?\[\]\\])", r"\\\1", f"{prefix}:{name}:") + "*"
    client = backend._cache.get_client(write=True)
    deleted, batch = 0, []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == 1000:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted


def invalidate_pages():
    """Make every cached page stale, on every app process. Called from newsroom.signals."""
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:  # the key was never set, or was evicted
        generation = time.time_ns()
        cache.set(GENERATION_KEY, generation, timeout=None)
    # The change may have scheduled an article: note the next publish time for the new
    # generation now, so that rendering pages needs no query for it.
    cache.set(SCHEDULE_KEY, (generation, next_scheduled_publish()), timeout=None)


@functools.cache
def templates_release():
    """A fingerprint of the project's templates, taken once per process: part of the key of
    every long-lived rendered fragment, so that a deployment which changes the markup never
    serves fragments rendered with the old one."""
    digest = hashlib.sha256()
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def version(key, known=None):
    """The number under a version key (``known``: what a get already read). A missing one
    (never set, evicted, or deleted to renew it) starts anew from the clock; when several
    processes start it at once, the first to add it wins and the others take that one."""
    if known is not None:
        return known
    number = time.time_ns()
    if not cache.add(key, number, timeout=None):
        number = cache.get(key, number)
    return number


def _current_generation(found):
    """The generation from a get_many() answer."""
    return version(GENERATION_KEY, found.get(GENERATION_KEY))


class RenderedCache:
    """Rendered markup under keys that name everything it depends on (the page generation,
    an article's comments version; the templates' fingerprint is added here, so that a
    deployment that changes the markup never serves what the old one rendered): what a key
    holds never changes, it only runs out. So besides the shared cache, each process keeps
    what it used lately in its own memory (bounded): a render takes its fragments without a
    round trip.
    """

    MAX_BYTES = 16 * 1024 * 1024

    def __init__(self):
        self._local = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get_or_render(self, key, render, seconds):
        now = time.time()
        with self._lock:
            item = self._local.get(key)
            if item is not None and item[0] > now:
                self._local.move_to_end(key)
                return item[1]
        shared_key = f"rendered:{templates_release()}:{key}"  # one process, one release
        item = cache.get(shared_key)
        if not (isinstance(item, tuple) and len(item) == 2 and item[0] > now):
            item = (now + seconds, render())
            cache.set(shared_key, item, seconds)
        self._remember(key, item)
        return item[1]

    def _remember(self, key, item):
        value = item[1]
        size = sum(
            len(part)
            for part in (value if isinstance(value, tuple) else (value,))
            if isinstance(part, str)
        )
        if size > self.MAX_BYTES // 8:
            return
        with self._lock:
            previous = self._local.pop(key, None)
            if previous is not None:
                self._bytes -= previous[2]
            self._local[key] = (*item, size)
            self._bytes += size
            while self._bytes > self.MAX_BYTES:
                _key, (_expires, _value, dropped) = self._local.popitem(last=False)
                self._bytes -= dropped

    def clear(self):
        with self._lock:
            self._local.clear()
            self._bytes = 0


rendered = RenderedCache()


class Fragments:
    """What templates key and time their cached fragments with ({% fragment %}), read once per
    request from what the page-cache lookup found (or with one round trip without it).

    ``generation`` in a fragment's key makes it stale on every change readers could see,
    exactly like a page; ``seconds`` ends, like a page's lifetime, at the next scheduled
    publish time and at midnight, so a fragment listing articles is never late either.
    Such fragments make a render cheap when the page cache cannot help: a page number or a
    search nobody asked for yet, a page whose cached copy a change elsewhere made stale.

    A view announces the other version keys its page will need (``want``), such as an
    article's comments version: they are read in the same round trip.
    """

    def __init__(self, request):
        self.request = request
        self._wanted = []

    @classmethod
    def of(cls, request):
        """The request's one instance, shared by its view and its templates."""
        fragments = getattr(request, "_fragments", None)
        if fragments is None:
            fragments = request._fragments = cls(request)
        return fragments

    def want(self, key):
        self._wanted.append(key)

    @cached_property
    def _found(self):
        found = getattr(self.request, "page_cache_found", None)
        if found is None:
            keys = [GENERATION_KEY, SCHEDULE_KEY, *self._wanted]
            found = dict.fromkeys(keys)  # asked for: a key missing here was not in the cache
            found.update(cache.get_many(keys))
        return found

    @cached_property
    def _state(self):
        found = self._found
        generation = _current_generation(found)
        next_publish = _next_publish(found, generation)
        return generation, page_lifetime(next_publish=next_publish, longest=FRAGMENT_SECONDS)

    @property
    def generation(self):
        return self._state[0]

    @property
    def seconds(self):
        return self._state[1]

    def version(self, key):
        """The number under a version key, from the shared round trip when it was wanted."""
        found = self._found
        return version(key, found[key] if key in found else cache.get(key))


def next_scheduled_publish():
    from articles.models import Article

    return (
        Article.objects.scheduled().order_by("publish_at").values_list("publish_at", flat=True)
    ).first()


def _next_publish(found, generation):
    """The next scheduled publish time, from the database once per generation."""
    known = found.get(SCHEDULE_KEY)
    still_true = known is not None and (known[1] is None or known[1] > timezone.now())
    if still_true and known[0] == generation:
        return known[1]
    next_publish = next_scheduled_publish()
    cache.set(SCHEDULE_KEY, (generation, next_publish), timeout=None)
    return next_publish


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


# Parameters that campaign and social links add for the reader's analytics (read in the
# browser, from the address bar) and that change nothing on the page. Each Facebook or
# Google click carries a new value: kept, they would make every such visit a cache miss
# and a full render, just when a story spreads.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = frozenset(
    [
        "fbclid",
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "twclid",
        "igshid",
        "ttclid",
        "yclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "s_kwcid",
        "ef_id",
    ]
)


def without_tracking(query_string):
    """The query string without analytics parameters; the rest left byte for byte."""
    if not query_string:
        return query_string
    kept = []
    for part in query_string.split("&"):
        name = unquote_plus(part.split("=", 1)[0])
        if name not in TRACKING_PARAMETERS and not name.startswith(TRACKING_PREFIXES):
            kept.append(part)
    return "&".join(kept)


def _key(request):
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pages:{hashlib.sha256(raw.encode()).hexdigest()}"


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
    """Serve anonymous GETs from the page cache; store what may be shared.

    It comes first in MIDDLEWARE: a hit costs one cache round trip and none of the other
    middleware, and a miss stores the response as the rest of the stack finished it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.uncached_prefixes = tuple(
            prefix for prefix in (settings.STATIC_URL, settings.MEDIA_URL) if prefix
        )

    def __call__(self, request):
        if request.path.startswith(self.uncached_prefixes):
            return self.get_response(request)  # files: WhiteNoise and the web server's job
        query_string = request.META.get("QUERY_STRING", "")
        cleaned = without_tracking(query_string)
        if cleaned != query_string:  # the page, its links and its cache key ignore them
            request.META["QUERY_STRING"] = cleaned
            request.GET = QueryDict(cleaned)
        if settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0:
            # Switched off (PAGE_CACHE_SECONDS=0): every request renders, nothing is shared.
            return self._private(self.get_response(request))
        if request.method not in ("GET", "HEAD") or not self._applies(request):
            return self._private(self.get_response(request))
        key = _key(request)
        # One round trip: the current generation and the stored page. A page stored under
        # an older generation is stale. The expiry is checked here too, not left to the
        # cache alone: a page must not outlive a scheduled publish time.
        found = cache.get_many([GENERATION_KEY, key, SCHEDULE_KEY])
        generation = found[GENERATION_KEY] = _current_generation(found)
        request.page_cache_found = found  # the fragments of a miss need no second lookup
        stored = found.get(key)
        if stored is not None and stored[0] == generation and stored[4] > time.time():
            return self._rebuild(request, stored)
        response = self.get_response(request)
        if not _storable(request, response):
            return self._private(response)
        lifetime = page_lifetime(next_publish=_next_publish(found, generation))
        self._make_public(response, lifetime)
        if not response.has_header("ETag"):
            response["ETag"] = (
                f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
            )
        response["Last-Modified"] = http_date()
        headers = {
            name: value for name, value in response.items() if name.lower() not in UNSTORED_HEADERS
        }
        expires_at = time.time() + lifetime
        page = (generation, response.status_code, headers, response.content, expires_at)
        cache.set(key, page, lifetime)
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
        patch_cache_control(response, public=True, max_age=max_age, stale_while_revalidate=max_age)
        patch_vary_headers(response, ["Cookie"])

    def _rebuild(self, request, stored):
        _generation, status, headers, content, expires_at = stored
        response = HttpResponse(content, status=status, headers=headers)
        response["Content-Length"] = str(len(content))
        self._make_public(response, max(1, int(expires_at - time.time())))
        response["X-Cache"] = "HIT"
        if request.method != "GET":
            return response
        # What ConditionalGetMiddleware does for a rendered page: 304 for a repeat visit.
        return get_conditional_response(
            request,
            etag=headers.get("ETag"),
            last_modified=parse_http_date_safe(headers.get("Last-Modified", "")),
            response=response,
        )


class CachedCountPaginator(Paginator):
    """A Paginator whose total is counted once per content generation and shared.

    On a section or tag with tens of thousands of articles, COUNT(*) costs more than the
    rest of the page. The view names the listing (``count_key``: its address without the
    page number); the count is renewed by any change readers can see and, like a page,
    when a scheduled article goes live.
    """

    def __init__(self, *args, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        if self.count_key is None:
            return super().count
        key = f"pages:count:{hashlib.sha256(self.count_key.encode()).hexdigest()}"
        found = cache.get_many([GENERATION_KEY, SCHEDULE_KEY, key])
        generation = _current_generation(found)
        known = found.get(key)
        if known is not None and known[0] == generation and known[2] > time.time():
            return known[1]
        count = super().count
        lifetime = page_lifetime(next_publish=_next_publish(found, generation))
        cache.set(key, (generation, count, time.time() + lifetime), lifetime)
        return count


class PageCacheApp:
    """The WSGI application with page-cache hits answered before Django's handler runs.

    A hit needs no middleware, no signals and no HttpResponse: one cache round trip and
    the stored bytes. Everything else — misses, staff, conditional requests, an outage —
    goes to Django, where PageCacheMiddleware decides exactly as it would alone.
    """

    def __init__(self, application):
        self.application = application
        self.session_cookie = settings.SESSION_COOKIE_NAME + "="
        self.uncached_prefixes = tuple(
            prefix
            for prefix in (
                settings.STATIC_URL,
                settings.MEDIA_URL,
                "/" + settings.NEWSROOM_ADMIN_PATH,
            )
            if prefix
        )

    def __call__(self, environ, start_response):
        hit = self._hit(environ)
        if hit is None:
            return self.application(environ, start_response)
        status, headers, content = hit
        start_response(status, headers)
        return [content]

    def _hit(self, environ):
        environ["QUERY_STRING"] = without_tracking(environ.get("QUERY_STRING", ""))
        if (
            settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0
            or environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or self.session_cookie in environ.get("HTTP_COOKIE", "")
            or "HTTP_IF_NONE_MATCH" in environ
            or "HTTP_IF_MODIFIED_SINCE" in environ
        ):
            return None
        request = WSGIRequest(environ)
        if request.path.startswith(self.uncached_prefixes):
            return None
        try:
            key = _key(request)  # the middleware's key; validates the host
        except DisallowedHost:
            return None
        found = cache.get_many([GENERATION_KEY, key])
        stored = found.get(key)
        now = time.time()
        if stored is None or stored[0] != found.get(GENERATION_KEY) or stored[4] <= now:
            return None
        _generation, status, headers, content, expires_at = stored
        lifetime = max(1, int(expires_at - now))
        return (
            f"{status} {HTTPStatus(status).phrase}",
            [
                *headers.items(),
                ("Cache-Control", _public_cache_control(lifetime, settings.NEWSROOM_HTTP_MAX_AGE)),
                ("Content-Length", str(len(content))),
                ("X-Cache", "HIT"),
            ],
            content,
        )


@functools.lru_cache(maxsize=512)
def _public_cache_control(lifetime, http_max_age):
    """The Cache-Control header PageCacheMiddleware gives a page with this lifetime
    (http_max_age, the setting it also reads, is part of the memo's key)."""
    response = HttpResponse()
    PageCacheMiddleware._make_public(response, lifetime)
    return response["Cache-Control"]


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


class _ReusedClient(RedisCacheClient):
    """Django builds a new redis.Redis object for every cache call, which costs about as much
    as the round trip itself; one client per connection pool is enough (it is thread-safe)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """A Redis cache that turns an outage into cache misses instead of errors.

    After a failure, Redis is not asked again for RETRY_AFTER seconds, so a dead Redis
    costs each request nothing; the first failure of an outage is logged, the rest are not.
    """

    RETRY_AFTER = 2.0
    down_until = 0.0
    outage_logged = False

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient

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
