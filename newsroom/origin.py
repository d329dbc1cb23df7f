"""Whether a request was sent from one of this site's own pages.

For the endpoints that cached pages post to without a CSRF token (the comment form, the
view beacon): a browser names the page's origin in ``Origin`` on every cross-site POST
(``Referer`` when an older one does not), so another site's page is recognised and refused.
"""

from urllib.parse import urlsplit

from django.conf import settings


def is_same_origin(request, *, allow_missing):
    """True when Origin (or, without it, Referer) names this host or a trusted origin.

    ``allow_missing`` decides for a request with neither header: a tool, not a browser.
    """
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return allow_missing
    host = urlsplit(source).netloc
    if not host:  # "null" from sandboxed frames and privacy modes, or garbage
        return False
    if host == request.get_host():
        return True
    return any(urlsplit(origin).netloc == host for origin in settings.CSRF_TRUSTED_ORIGINS)
