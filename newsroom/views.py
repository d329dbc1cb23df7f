import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .context_processors import site_identity

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """For load balancers: 503 when the database is down, 200 "degraded" when only the cache is."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        logger.exception("Health check: database unreachable")
        checks["database"] = "down"
    try:
        cache.set("healthz", "ok", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "down"
    except Exception:
        logger.warning("Health check: cache unreachable", exc_info=True)
        checks["cache"] = "down"
    if checks["database"] != "ok":
        status, code = "down", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, **checks}, status=code)


def server_error(request):
    """The 500 page: rendered from settings alone, so it works when the database does not."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render(site_identity()))


# Addresses crawlers have no business in: the admin, result and preview pages, and the
# POST-only comment and view-count endpoints.
ROBOTS_DISALLOW = [
    "/" + settings.NEWSROOM_ADMIN_PATH,
    "/search/",
    "/preview/",
    "/comments/",
    "/views/",
]


@require_safe
def robots_txt(request):
    sitemaps = [
        request.build_absolute_uri(reverse(name))
        for name in ("articles:sitemap", "articles:news_sitemap")
    ]
    return render(
        request,
        "robots.txt",
        {"disallow": ROBOTS_DISALLOW, "sitemaps": sitemaps},
        content_type="text/plain; charset=utf-8",
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page says (the admin says nothing)."""
    return HttpResponsePermanentRedirect(static("img/favicon.png"))
