"""The redirect table (django.contrib.redirects, Admin → Redirects) as readers meet it: an
old address never gives away a story that is not live.

Old addresses are written ahead of time (an import, a slug changed on a scheduled story),
and the story's address is in the redirect. Until the story is live — the publishing rule,
``Article.objects.published()`` — such a redirect answers the 404 the story itself answers;
from its time on it redirects, with nothing to run.
"""

from urllib.parse import unquote, urlsplit

from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.urls import Resolver404, resolve

from .models import Article


def hides(new_path):
    """True when ``new_path`` is the address of one of our stories that is not live."""
    parts = urlsplit(new_path or "")
    if parts.scheme or parts.netloc:
        return False
    try:
        match = resolve(unquote(parts.path))
    except Resolver404:
        return False
    if match.namespace != "articles" or match.url_name != "article":
        return False
    return Article.objects.not_live().filter(slug=match.kwargs["slug"]).exists()


class HidingRedirectFallbackMiddleware(RedirectFallbackMiddleware):
    """Django's redirect fallback (a redirect on a 404), but a redirect to a story that is
    not live stays the 404."""

    def process_response(self, request, response):
        redirected = super().process_response(request, response)
        if (
            redirected is not response
            and redirected.status_code in (301, 302)
            and hides(redirected["Location"])
        ):
            return response
        return redirected
