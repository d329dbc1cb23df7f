"""WordPress addresses that carry what they show in the query string: /?p=123 (a post),
/?page_id=7 (a page), /?attachment_id=9 (an attachment's page), /?cat=4 (a category),
/?author=2 (an author's posts). `manage.py import_wordpress` fills the table for them.
WordPress's search (/?s=) and feeds (/?feed=rss2) go to ours.

django.contrib.redirects only steps in on a 404, and "/" is the home page, so these are
looked up here, in the same admin-editable redirect table, by the home view.
"""

from urllib.parse import urlencode

from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404, HttpResponseGone, HttpResponsePermanentRedirect
from django.urls import reverse

from .redirects import LEGACY_PARAMETERS, hides, old_address

# WordPress's search and feeds by query string (/?s=harbour, /?feed=rss2), on any site that
# ran it: answered where ours are, with no table needed.
SEARCH_AND_FEEDS = {"s", "feed"}
FEEDS = {"atom": "articles:atom_feed"}  # rss2, rss, rdf and the default: the RSS feed


def is_legacy_address(request):
    return any(name in request.GET for name in (*LEGACY_PARAMETERS, *SEARCH_AND_FEEDS))


def redirect(request):
    """301 to where the redirect table sends /?p=N (other parameters ignored), else 404.

    An unknown old address is a 404, not the home page: a soft 404 would tell search
    engines the old post lives on at "/".
    """
    if not any(name in request.GET for name in LEGACY_PARAMETERS):
        if "s" in request.GET:
            query = urlencode({"q": request.GET["s"]}) if request.GET["s"].strip() else ""
            return HttpResponsePermanentRedirect(
                reverse("articles:search") + (f"?{query}" if query else "")
            )
        feed = FEEDS.get(request.GET["feed"].strip().lower(), "articles:feed")
        return HttpResponsePermanentRedirect(reverse(feed))
    name = next(name for name in LEGACY_PARAMETERS if name in request.GET)
    post_id = request.GET[name]
    if not (post_id.isascii() and post_id.isdigit()) or len(post_id) > 20:
        raise Http404("Not a WordPress post number.")
    old_path = "/?" + urlencode({name: post_id})
    new_path = old_address(get_current_site(request), old_path)
    if new_path is None:
        raise Http404("No redirect for this old address.")
    if not new_path:
        return HttpResponseGone()
    if hides(new_path):  # a story not live yet: its old address gives nothing away
        raise Http404("No redirect for this old address.")
    return HttpResponsePermanentRedirect(new_path)
