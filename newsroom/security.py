"""Security headers Django 5.2 does not set by itself: Content-Security-Policy and
Permissions-Policy; and the methods readers' pages answer.

Public pages allow scripts and styles from our own origin only (no inline code, no
third-party scripts). The admin keeps ``script-src 'self'`` too but allows inline
*styles*, which Django's admin widgets and the rich-text editor set on elements, and the
rich-text editor's import map: an inline ``<script type="importmap">`` (JSON that maps
module names to our own static files, never executed) is allowed by its exact hash.
"""

import base64
import hashlib
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseNotAllowed


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# Origins public pages may frame: the players of the embed providers (articles/embeds.py
# registers them), loaded only when a reader asks, in sandboxed iframes.
FRAME_SOURCES = []


def allow_frames(*origins):
    FRAME_SOURCES.extend(origin for origin in origins if origin not in FRAME_SOURCES)


def build_policy(*, admin):
    media = _origin(settings.MEDIA_URL)
    static = _origin(settings.STATIC_URL)
    extra = " ".join(origin for origin in {media, static} if origin)
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {static}".strip(),
        "style-src": f"'self' {static}".strip() + (" 'unsafe-inline'" if admin else ""),
        "img-src": f"'self' data: {extra}".strip() + (" blob:" if admin else ""),
        "font-src": f"'self' {static}".strip(),
        "connect-src": "'self'",
        "frame-src": " ".join(["'self'", *([] if admin else FRAME_SOURCES)]),
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    if not settings.DEBUG and settings.SECURE_SSL_REDIRECT:
        directives["upgrade-insecure-requests"] = ""
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


IMPORT_MAP = re.compile(rb'<script type="importmap"[^>]*>(.*?)</script>', re.DOTALL)


def import_map_hashes(content):
    """CSP source expressions for the import maps in an HTML document."""
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in IMPORT_MAP.findall(content)
    ]


class HttpsRedirectNotStoredMiddleware:
    """Just above Django's SecurityMiddleware: its redirect of a plain-HTTP request to HTTPS is
    marked ``no-store``, so no shared cache (the nginx micro-cache, a CDN, our page cache)
    keeps it and hands it out again, for example after the site stops redirecting."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 301
            and not request.is_secure()
            and response.get("Location", "").startswith("https://")
        ):
            response["Cache-Control"] = "no-store"
        return response


class ViewMiddleware:
    """A middleware that acts only in process_view, once the address has been resolved (so
    it knows the view, and whether the address is the admin's)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.NEWSROOM_ADMIN_PATH

    def __call__(self, request):
        return self.get_response(request)


class ReadOnlyPublicSiteMiddleware(ViewMiddleware):
    """Outside the admin, pages answer GET and HEAD. The few addresses that take a POST (a
    comment, a view count) are csrf_exempt: their own checks stand in for the token a cached
    page cannot carry, and they answer OPTIONS themselves. Any other method, or a POST
    elsewhere, is a 405 naming what is allowed: not the CSRF refusal (a 403 about a session
    readers do not have), nor, for TRACE, the page itself, nor for OPTIONS a 200 on an
    address whose GET is a 404 (a class-based view's default). Before CsrfViewMiddleware."""

    SAFE = ("GET", "HEAD")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in self.SAFE or request.path_info.startswith(self.admin_prefix):
            return None
        if request.method in ("POST", "OPTIONS") and getattr(view_func, "csrf_exempt", False):
            return None
        return HttpResponseNotAllowed(["GET", "HEAD"])


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public_policy = build_policy(admin=False)
        self.admin_policy = build_policy(admin=True)
        self.admin_prefix = "/" + settings.NEWSROOM_ADMIN_PATH

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.public_policy
        if request.path.startswith(self.admin_prefix):
            policy = self.admin_policy
            if not response.streaming and "html" in response.get("Content-Type", ""):
                hashes = import_map_hashes(response.content)
                if hashes:
                    policy = policy.replace(
                        "script-src 'self'", "script-src 'self' " + " ".join(hashes), 1
                    )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response
