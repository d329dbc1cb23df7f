"""Whole anonymous pages served from the cache: ``PageCacheMiddleware``, and ``PageCacheApp``,
the WSGI shortcut that answers a hit before Django's handler runs. Both decide what is a
hit with one function, ``fresh_page()``.

A stored page records the keys of what it shows (newsroom.cache.versions) and carries them
in response headers (``NEWSROOM_SURROGATE_KEY_HEADERS``) for the shared caches in front, which
the same keys purge. On a miss, one request renders a page while the others asking for it
wait for that render (``NEWSROOM_COALESCE_SECONDS`` at most), so a story everyone opens at
once is rendered once.

Staff carry a session cookie; their requests neither read nor fill the cache. A response
that sets a cookie, or says it is private, is never stored.
"""

import functools
import gzip
import hashlib
import time
from http import HTTPStatus
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse, QueryDict
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from .fragments import Fragments, recent_keys
from .lifetimes import SCHEDULE_KEY, next_publish, page_lifetime
from .versions import CLOCK_KEY, CONTENT, SITE, clock, is_fresh, stamps, version_key

CACHEABLE_STATUS = {200, 301, 404}
# Everything else the response carried is stored with the page and sent again on a hit,
# so a hit carries the security headers the rest of the middleware added to the original.
UNSTORED_HEADERS = {"set-cookie", "date", "content-length", "cache-control", "x-cache"}
# How many pages were rendered for the cache (misses), counted in the shared cache for
# benchmarks and monitoring: ``renders()``.
RENDERS_KEY = "pages:renders"
COALESCE_POLL_SECONDS = 0.02
# Pages, feeds and sitemaps are kept compressed, once, when rendered, and sent so to every
# client that accepts gzip (every browser, Varnish, a CDN): a tenth of the bytes to read from
# the cache, to send, and for nginx no compressing of every page it passes on. A client
# that does not accept gzip gets the page as it is, decompressed on the way out.
COMPRESSED_TYPES = (
    "text/",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "application/json",
)
COMPRESS_FROM_BYTES = 1024  # under this, gzip's own header and footer eat the gain
GZIP_LEVEL = 1  # nginx's default: 121 KB of article page in 0.8 ms, to 11 KB

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


def accepts_gzip(accept_encoding):
    """Does an Accept-Encoding header accept gzip: named, or as ``*``, and not at q=0?"""
    anything = False
    for part in accept_encoding.lower().split(","):
        coding, *parameters = part.split(";")
        coding = coding.strip()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding != "*":
            return quality > 0  # gzip named: that decides, whatever * says
        anything = quality > 0
    return anything


def for_client(headers, content, accept_encoding):
    """A stored page's headers and body as this client may receive them: compressed to one
    that accepts gzip, decompressed for one that does not."""
    if headers.get("Content-Encoding") == "gzip" and not accepts_gzip(accept_encoding):
        headers = {name: value for name, value in headers.items() if name != "Content-Encoding"}
        content = gzip.decompress(content)
    return headers, content


def _compressible(response, content):
    return (
        len(content) >= COMPRESS_FROM_BYTES
        and response.get("Content-Type", "").startswith(COMPRESSED_TYPES)
        and not response.has_header("Content-Encoding")
    )


def page_key(request):
    """The cache key of the page at the request's address (validates the host)."""
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pages:{hashlib.sha256(raw.encode()).hexdigest()}"


def fresh_page(stored, page_stamps, now=None):
    """Is this a hit? The stored page, when it has not run out (checked here, not left to
    the cache alone: a page must not outlive a scheduled publish time) and none of its keys
    was renewed since it was rendered; otherwise None. ``page_stamps``: the keys' stamps,
    or a function of the keys that reads them.

    A stored page is (keys, rendered_at, status, headers, content, expires_at)."""
    now = time.time() if now is None else now
    if not (isinstance(stored, tuple) and len(stored) == 6 and stored[5] > now):
        return None
    if callable(page_stamps):
        page_stamps = page_stamps(stored[0])
    return stored if is_fresh(stored[0], stored[1], page_stamps) else None


def renders():
    """How many pages all app processes have rendered for the page cache (its misses)."""
    return cache.get(RENDERS_KEY, 0)


def _count_render():
    try:
        cache.incr(RENDERS_KEY)
    except ValueError:
        if not cache.add(RENDERS_KEY, 1, timeout=None):
            cache.incr(RENDERS_KEY)


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

    It comes first in MIDDLEWARE: a hit costs two cache round trips (the page, then the
    stamps of its keys) and none of the other middleware, and a miss stores the response
    as the rest of the stack finished it.
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
        # A date later than our clock is invalid (RFC 9110, 13.1.3): ignored, as if absent,
        # not taken as "not modified since" for a page the client cannot have.
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        if since is not None and since > time.time():
            del request.META["HTTP_IF_MODIFIED_SINCE"]
        if (
            settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0
            or request.method not in ("GET", "HEAD")
            or not self._applies(request)
        ):
            # Not shared, but its fragments may be: read the clock before the view reads
            # the database, so what it renders is never stamped newer than it is.
            fragments = Fragments.of(request)
            fragments.clock  # noqa: B018
            response = self._private(self.get_response(request))
            recent_keys.note(request, fragments.page_keys())
            return response
        key = page_key(request)
        # One round trip: the stored page, the clock, the stamps every page has and those
        # this address's page had last time.
        names = {SITE, CONTENT, *recent_keys.get(request)}
        found = cache.get_many(
            [key, CLOCK_KEY, SCHEDULE_KEY, *(version_key(name) for name in names)]
        )
        found[CLOCK_KEY] = clock(found.get(CLOCK_KEY))
        request.page_cache_found = found  # the fragments of a miss need no second lookup
        stored = fresh_page(found.get(key), lambda names: stamps(names, known=found))
        if stored is not None:
            recent_keys.note(request, stored[0])
            return self._rebuild(request, stored)
        lock = f"{key}:rendering"
        rendering = cache.add(lock, 1, max(1, int(settings.NEWSROOM_COALESCE_SECONDS * 4)))
        if not rendering:
            stored = self._wait_for(key, lock)
            if stored is not None:
                return self._rebuild(request, stored)
        try:
            return self._render(request, key, found)
        finally:
            if rendering:
                cache.delete(lock)

    @staticmethod
    def _wait_for(key, lock):
        """The page another request is rendering, once it is stored and if none of its
        keys was renewed since that render began (a change made while this request waited
        is not hidden from it); None if the render ends without one or takes too long."""
        deadline = time.monotonic() + settings.NEWSROOM_COALESCE_SECONDS
        while True:
            found = cache.get_many([key, lock])
            stored = fresh_page(found.get(key), lambda names: stamps(names))
            if stored is not None:
                return stored
            # No render under way any more (or no cache to tell: Redis down), or too long.
            if lock not in found or time.monotonic() >= deadline:
                return None
            time.sleep(COALESCE_POLL_SECONDS)

    def _render(self, request, key, found):
        response = self.get_response(request)
        if not _storable(request, response):
            return self._private(response)
        _count_render()
        fragments = Fragments.of(request)
        names = fragments.page_keys()
        recent_keys.note(request, names)
        stamps(names, known=found)  # each key has a stamp from now on
        lifetime = page_lifetime(next_publish=next_publish(found))
        self._make_public(response, lifetime)
        if not response.has_header("ETag"):
            response["ETag"] = (
                f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
            )
        content = response.content
        compressed = _compressible(response, content)
        if compressed:
            content = gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)
            patch_vary_headers(response, ["Accept-Encoding"])
            # One validator for both forms of the page: weak, as a compressed copy's must be.
            if not response["ETag"].startswith("W/"):
                response["ETag"] = "W/" + response["ETag"]
        response["Last-Modified"] = http_date()
        for header in settings.NEWSROOM_SURROGATE_KEY_HEADERS:
            separator = "," if header.lower() == "cache-tag" else " "  # Cloudflare's is a list
            response[header] = separator.join(sorted(names))
        headers = {
            name: value for name, value in response.items() if name.lower() not in UNSTORED_HEADERS
        }
        if compressed:
            headers["Content-Encoding"] = "gzip"
        expires_at = time.time() + lifetime
        page = (names, fragments.clock, response.status_code, headers, content, expires_at)
        cache.set(key, page, lifetime)
        if compressed and accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response.content = content
            response["Content-Encoding"] = "gzip"
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(content))
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
        # A stale copy may be shown while it is fetched again only within the page's own
        # life: never past a scheduled story's time or a banner's end (the lifetime).
        grace = min(max_age, lifetime - max_age)
        extra = {"stale_while_revalidate": grace} if grace > 0 else {}
        patch_cache_control(response, public=True, max_age=max_age, **extra)
        patch_vary_headers(response, ["Cookie"])

    def _rebuild(self, request, stored):
        _names, _rendered_at, status, headers, content, expires_at = stored
        headers, content = for_client(
            headers, content, request.META.get("HTTP_ACCEPT_ENCODING", "")
        )
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
        # A HEAD is answered with the GET's headers and no body (RFC 9110): Django leaves
        # that to the server, and gunicorn warned on every one.
        head = environ.get("REQUEST_METHOD") == "HEAD"
        hit = self._hit(environ)
        if hit is None:
            body = self.application(environ, start_response)
            if head:
                if hasattr(body, "close"):
                    body.close()  # what the server does once it has sent a body
                return []
            return body
        status, headers, content = hit
        start_response(status, headers)
        return [] if head else [content]

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
        # A copy: WSGIRequest writes the decoded path back into the environ it is given,
        # and Django, on a miss, would decode it again (a 500 or a 404 for "/tag/سياسة/").
        request = WSGIRequest({**environ})
        if request.path.startswith(self.uncached_prefixes):
            return None
        try:
            key = page_key(request)  # the middleware's key; validates the host
        except DisallowedHost:
            return None
        now = time.time()
        guess = recent_keys.get(request)
        found = cache.get_many([key, *(version_key(name) for name in guess)])
        stored = found.get(key)
        if not (isinstance(stored, tuple) and len(stored) == 6 and stored[5] > now):
            return None
        unknown = [version_key(name) for name in stored[0] if version_key(name) not in found]
        if unknown:
            found.update(cache.get_many(unknown))
            recent_keys.note(request, stored[0])
        page_stamps = {name: found.get(version_key(name)) for name in stored[0]}
        stored = fresh_page(stored, page_stamps, now)  # a key without a stamp: Django's turn
        if stored is None:
            return None
        _names, _rendered_at, status, headers, content, expires_at = stored
        headers, content = for_client(headers, content, environ.get("HTTP_ACCEPT_ENCODING", ""))
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
