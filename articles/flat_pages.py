"""Flat pages (About, Contact, Privacy) as readers get them: always drawn with our one flat
page template, templates/flatpages/default.html, their photo, gallery and embed blocks drawn
as a story's are.

Django's view draws a page with the template its "Template name" names. That field is not
in our admin form (articles/admin.py), but old data or an import may still hold a value: the
name of another page's template answered an error page instead of the page, one that did not
exist fell back to ours. The value stays stored and is never read.
"""

from django.conf import settings
from django.contrib.flatpages.middleware import FlatpageFallbackMiddleware
from django.contrib.flatpages.models import FlatPage
from django.contrib.flatpages.views import render_flatpage
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404

from .page_data import article_body


def flat_page(request, url):
    """Django's flat page view (its address lookup, its slash redirect), drawn with ours."""
    if not url.startswith("/"):
        url = "/" + url
    site_id = get_current_site(request).id
    try:
        page = get_object_or_404(FlatPage, url=url, sites=site_id)
    except Http404:
        if url.endswith("/") or not settings.APPEND_SLASH:
            raise
        get_object_or_404(FlatPage, url=url + "/", sites=site_id)
        return HttpResponsePermanentRedirect(f"{request.path}/")
    page.template_name = ""  # this copy is only drawn, never saved
    page.content, _keys = article_body(page.content)  # its photos and other blocks drawn
    return render_flatpage(request, page)


class FlatPageFallbackMiddleware(FlatpageFallbackMiddleware):
    """Django's fallback (a flat page in place of a 404) through ``flat_page``."""

    def process_response(self, request, response):
        if response.status_code != 404:
            return response
        try:
            return flat_page(request, request.path_info)
        except Http404:
            return response
        except Exception:
            # As Django's: a middleware cannot count on anything else to catch it.
            if settings.DEBUG:
                raise
            return response
