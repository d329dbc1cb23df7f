"""The redirect table (django.contrib.redirects, Admin → Redirects) as readers meet it: an
old address never gives away a story that is not live.

Old addresses are written ahead of time (an import, a slug changed on a scheduled story),
and the story's address is in the redirect. Until the story is live — the publishing rule,
``Article.objects.published()`` — such a redirect answers the 404 the story itself answers;
from its time on it redirects, with nothing to run.

Every old address is looked up here (``destination``): the table; an address too long for
it (LongRedirect, filled by the WordPress import); the address without its query string,
which goes along (``/section/old/?page=2`` → ``/section/new/?page=2``); and the
sub-addresses WordPress served under a page it had (``…/page/2/``, ``…/2/``,
``…/comment-page-1/``, ``…/amp/``, ``?amp=1``), to that page when it is a known old address
or one of our lists or stories.
"""

import re
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.contrib.sites.shortcuts import get_current_site
from django.urls import Resolver404, resolve, reverse
from django.utils.encoding import escape_uri_path, iri_to_uri
from taggit.models import Tag

from .bylines import public_authors
from .models import Article, Author, Section
from .tags import public_tags
from .wordpress.mapping import LongRedirect

MAX_PATH = Redirect._meta.get_field("old_path").max_length
# WordPress addresses that carry what they show in the query string (/?p=123): the home page
# looks them up in the table (articles.wordpress_urls) instead of answering them.
LEGACY_PARAMETERS = ("p", "page_id", "attachment_id", "cat", "author")
# What WordPress adds after an address for a part of the same page: a list's later pages,
# and a post's (split with <!--nextpage-->, its comments' pages, its AMP version).
LIST_PAGE = re.compile(r"page/[0-9]{1,6}/$")
POST_PART = re.compile(r"(?:comment-page-[0-9]{1,6}/|[0-9]{1,6}/|amp/)$")


def address_moved(old_path, new_path):
    """A reader's address that moved (a story's, a list's, a feed's, a page's): the old one
    redirects to the new. Earlier redirects to the old address follow it (no chains), and a
    redirect from the new address, which would now hide it, is dropped."""
    old_path, new_path = as_requested(old_path), as_requested(new_path)
    if old_path == new_path:
        return
    site = Site.objects.get_current()
    Redirect.objects.filter(site=site, new_path=old_path).update(new_path=new_path)
    Redirect.objects.filter(site=site, old_path=new_path).delete()
    Redirect.objects.update_or_create(site=site, old_path=old_path, defaults={"new_path": new_path})


# The addresses of a section's, tag's or author's list: its page and its feed.
LIST_PAGES = {
    Section: ("articles:section", "articles:section_feed"),
    Tag: ("articles:tag", "articles:tag_feed"),
    Author: ("articles:author", "articles:author_feed"),
}


def list_moved(model, old_slug, new_slug):
    """A list's slug changed (or a tag merged into another): each of its addresses moved."""
    for name in LIST_PAGES[model]:
        address_moved(
            reverse(name, kwargs={"slug": old_slug}), reverse(name, kwargs={"slug": new_slug})
        )


def as_requested(address):
    """``address`` as ``request.get_full_path()`` gives it for a request for it, which is
    what the table is looked up by: typed readable (``/أخبار/``, ``/sp ace/``) or
    percent-encoded, it comes out percent-encoded, never twice."""
    path, _, query = address.partition("?")
    full = escape_uri_path(unquote(path))
    return f"{full}?{iri_to_uri(query)}" if query else full


def readable(address):
    """``address`` with its letters shown, not percent-encoded, when that reads back the same
    (an encoded "?" or "%" stays encoded: shown bare, it would be another address)."""
    shown = unquote(address)
    return shown if on_site(address) and as_requested(shown) == address else address


def on_site(address):
    """True for a path on this site: ``/x/``, never ``//host/x/``, ``/\\host``, ``https://``."""
    return address.startswith("/") and not address.startswith("//") and "\\" not in address


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


def old_address(site, full_path, replacing=None):
    """Where the redirect table sends ``full_path``: a path, "" (gone), or None. The
    redirect ``replacing`` (a pk, being edited) is read as if it were gone."""
    if len(full_path) > MAX_PATH:
        found = LongRedirect.objects.filter(
            site=site, path_digest=LongRedirect.digest_of(full_path)
        ).first()
    else:
        rows = Redirect.objects.filter(site=site, old_path=full_path)
        found = rows.exclude(pk=replacing).first() if replacing else rows.first()
    return None if found is None else found.new_path


def ours(path):
    """``path`` when it is the home page, a list, or the address of one of our stories."""
    try:
        match = resolve(unquote(path))
    except Resolver404:
        return None
    if match.namespace != "articles":
        return None
    if match.url_name == "home":
        return path
    # Only pages readers may open: a tag typed on a draft has none, and an answer that
    # differs from an unknown tag's would give the draft's tag away.
    pages = {
        "section": Section.objects.all,
        "tag": public_tags,
        "author": public_authors,
        "article": Article.objects.published,
    }.get(match.url_name)
    if pages is not None and pages().filter(slug=match.kwargs["slug"]).exists():
        return path
    return None


# How many redirects in a row the forms follow: further than anyone means to chain them.
CHAIN_LIMIT = 10


def leads_to(site, old_path, new_path, replacing=None):
    """Where readers sent from ``old_path`` to ``new_path`` end up once the table (both
    tables) has sent them on: the last address; None when they would come back round (to
    ``old_path``, or in a circle) or be sent on past CHAIN_LIMIT redirects. ``replacing``:
    the pk of the redirect this one replaces (being edited), whose stored row is passed by."""
    seen = {old_path}
    step = new_path
    for _ in range(CHAIN_LIMIT):
        address = step.split("#")[0]
        if address in seen:
            return None
        following = old_address(site, address, replacing) if on_site(address) else None
        if not following or answers(site, address):  # a page, a 404 or a 410: readers stop
            return step
        seen.add(address)
        step = following
    return None


def answers(site, full_path):
    """True when a page answers at ``full_path`` by itself, so that a redirect from there is
    not used (the fallbacks only replace a 404): a flat page, the home page, a section, tag
    or author page, a live story."""
    parts = urlsplit(full_path)
    if FlatPage.objects.filter(url=unquote(parts.path), sites=site).exists():
        return True
    if parts.path == "/" and set(parse_qs(parts.query)) & set(LEGACY_PARAMETERS):
        return False
    return ours(parts.path) is not None


def destination(request):
    """(where an old address goes, whether it was found as a sub-address), or (None, False)."""
    site = get_current_site(request)
    full_paths = [request.get_full_path()]
    if settings.APPEND_SLASH and not request.path.endswith("/"):
        full_paths.append(request.get_full_path(force_append_slash=True))
    for full_path in full_paths:
        found = old_address(site, full_path)
        if found is not None:
            return found, False
    path = escape_uri_path(request.path)
    if set(request.GET) == {"amp"}:  # the AMP version of a page: the page
        found = old_address(site, path) or ours(path)
        if found:
            return found, True
    query = request.META.get("QUERY_STRING", "")
    if query:  # an old address with a list's page or a reply link's number: the same, moved
        for full_path in full_paths:
            found = old_address(site, full_path.split("?", 1)[0])
            if found:
                found, _, fragment = found.partition("#")
                found += ("&" if "?" in found else "?") + iri_to_uri(query)
                return found + (f"#{fragment}" if fragment else ""), False
            if found == "":
                return found, False
    for part, stories_only in ((LIST_PAGE, False), (POST_PART, True)):
        stripped = part.sub("", path)
        if stripped == path:
            continue
        found = old_address(site, stripped) or ours(stripped)
        if found and (not stories_only or is_story(found)):
            return found, True
    return None, False


def is_story(path):
    try:
        match = resolve(unquote(urlsplit(path).path))
    except Resolver404:
        return False
    return match.namespace == "articles" and match.url_name == "article"


class HidingRedirectFallbackMiddleware(RedirectFallbackMiddleware):
    """Django's redirect fallback (a redirect on a 404) through ``destination``; a redirect to
    a story that is not live stays the 404, and a sub-address never leads off this site."""

    def process_response(self, request, response):
        if response.status_code != 404:
            return response
        new_path, sub_address = destination(request)
        if new_path is None:
            return response
        if new_path == "":
            return self.response_gone_class()
        if sub_address and not (new_path.startswith("/") and not new_path.startswith("//")):
            return response
        if hides(new_path):
            return response
        return self.response_redirect_class(new_path)
