import logging
import re

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import connection
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
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


def bad_request(request, exception=None):
    """The 400 page (a body past the upload limits, a Host not served here): in the site's
    design, rendered from settings alone like the 500 page, not Django's bare line."""
    template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render(site_identity()))


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


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" (/admin/r/<type>/<id>/). Django's own answers any staff
    login with the object's public address, built whether or not it is public: a scheduled
    story's slug and date. Here the object's admin decides: who may not open the object in
    the admin gets a 404, and the admin's own view_on_site (a preview for unpublished work)
    is followed. Every address Django's would answer comes here ("+4" too)."""
    if not content_type_id.isascii() or not content_type_id.isdigit():
        raise Http404
    try:
        content_type = ContentType.objects.get_for_id(int(content_type_id))
        obj = content_type.get_object_for_this_type(pk=object_id)
    except (ObjectDoesNotExist, ValidationError, ValueError) as error:
        raise Http404 from error
    model_admin = admin.site._registry.get(type(obj))
    if model_admin is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404
    if callable(model_admin.view_on_site):
        url = model_admin.view_on_site(obj)
    elif model_admin.view_on_site and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    else:
        url = None
    if not url:
        raise Http404
    return redirect(url)


def _from_this_site(request):
    """True when the POST came from one of our own pages (Origin, else Referer)."""
    source = request.headers.get("Origin") or request.headers.get("Referer", "")
    return bool(source) and url_has_allowed_host_and_scheme(
        source, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def csrf_failure(request, reason=""):
    """A form sent with a token that no longer matches: typically the editor signed in again
    in another tab while this form was open. Instead of Django's bare 403, the text they sent
    is kept on the page, with a button that sends it again with a fresh token."""
    return kept_form(request)


# Fields a form sends that the writer never typed: the formsets' bookkeeping, the conflict
# check's version, an empty row's template.
NOT_TYPED = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def _sent_field(model_admin, name, value):
    """A sent field as the writer knows it: the form's label ("Summary", "Byline 2: Author")
    rather than its name ("dek", "bylines-1-author"), and a ticked box as "yes"."""
    model, row, field_name, part = None, "", name, ""
    split = re.fullmatch(r"(.+)_([01])", name)  # a date and a time typed apart
    if split:
        name, part = split.group(1), (_(" (date)"), _(" (time)"))[int(split.group(2))]
        field_name = name
    if model_admin is not None:
        model = model_admin.model
        inline = re.fullmatch(r"(.+)-(\d+)-(.+)", name)
        if inline:
            prefix, number, field_name = inline.groups()
            model = next(
                (
                    rel.related_model
                    for rel in model_admin.model._meta.related_objects
                    if rel.get_accessor_name(model=False) == prefix
                    and any(i.model is rel.related_model for i in model_admin.inlines)
                ),
                None,
            )
            if model is not None:
                row = f"{capfirst(model._meta.verbose_name)} {int(number) + 1}: "
    try:
        field = model._meta.get_field(field_name) if model is not None else None
    except FieldDoesNotExist:
        field = None
    if field is None or not hasattr(field, "verbose_name"):
        return (name.replace("_", " ").replace("-", " ").strip().capitalize() + part, value)
    if field.get_internal_type() == "BooleanField" and value == "on":
        value = _("yes")
    return (row + capfirst(field.verbose_name) + part, value)


def kept_form(request, *, signed_out=False):
    """A refused admin form's page that keeps everything sent, with a button that sends it
    again (the CSRF refusal; newsroom.security.SignedOutFormKept for a writer signed out
    meanwhile). Only for forms of our own site: what another site posts is never shown back
    or re-sent."""
    kept = []
    if request.method == "POST" and _from_this_site(request):
        kept = [
            (name, value)
            for name, values in request.POST.lists()
            if name != "csrfmiddlewaretoken" and "password" not in name
            for value in values
        ]
    model_admin = getattr(getattr(request.resolver_match, "func", None), "model_admin", None)
    shown = [
        _sent_field(model_admin, name, value)
        for name, value in kept
        if not name.startswith(("_", "initial-"))  # "initial-": the value the form opened with
        and "__prefix__" not in name
        and not name.endswith(NOT_TYPED)
        and name != "desk_version"
        and len(value.strip()) > 1
    ]
    response = render(
        request,
        "403_csrf.html",
        {
            **admin.site.each_context(request),
            "kept": kept,
            "shown": shown,
            "signed_out": signed_out,
            "action": request.get_full_path(),
            "had_files": bool(kept) and bool(request.FILES),
            "login_url": reverse("admin:login"),
        },
        status=403,
    )
    response["Cache-Control"] = "private, no-store"
    return response
