"""The old site's addresses, kept working with permanent redirects (django.contrib.redirects'
admin-editable table; ``articles/wordpress_urls.py`` answers the ``/?p=``-style ones, which
the home page receives).

An old address only gets a redirect when it would not answer here by itself, and always to
a page that answers: an article, a section, a tag or author page with something live on it,
a feed, else the home page (date archives, which we do not have). Never elsewhere: every
path taken from the export has its repeated slashes collapsed (``//evil.example/`` is another
host to a browser), and a redirect whose target is not a path on this site is not written.
"""

import re
from urllib.parse import unquote, urlsplit

from django.contrib.redirects.models import Redirect
from django.urls import Resolver404, resolve
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _

from ..models import Article
from ..redirects import on_site
from .mapping import LongRedirect

MAX_PATH = Redirect._meta.get_field("old_path").max_length
TOKENS = re.compile(r"%(\w+)%")
SLASHES = re.compile(r"/{2,}")
# Feeds and sitemaps WordPress serves for the whole site, and where each goes here.
SITE_FEEDS = {
    "/feed/rss/": "/feed/",
    "/feed/rss2/": "/feed/",
    "/feed/rdf/": "/feed/",
    "/rss/": "/feed/",
    "/feed/atom/": "/feed/atom/",
    "/comments/feed/": "/feed/",
    "/wp-rss2.php": "/feed/",
    "/wp-atom.php": "/feed/atom/",
    # The sitemaps WordPress (5.5 on) and Yoast serve, to ours.
    "/wp-sitemap.xml": "/sitemap.xml",
    "/sitemap_index.xml": "/sitemap.xml",
}


def request_path(path, query=""):
    """An address as Django's redirect lookup sees a request for it (``get_full_path()``):
    non-ASCII characters percent-encoded the same way whatever the export wrote, repeated
    slashes collapsed (WordPress answers ``//about/`` as ``/about/``; here a Location of
    ``//about/`` would be another host)."""
    full = escape_uri_path(unquote(path or "/"))
    full = SLASHES.sub("/", "/" + full)
    return f"{full}?{query}" if query else full


class OldSite:
    """The old site's host names and permalink structure, from the export."""

    def __init__(self, site, permalink_structure=None):
        self.hosts = set()
        for key in ("link", "wp:base_site_url", "wp:base_blog_url"):
            host = (urlsplit(site.get(key, "")).hostname or "").lower()
            if host:
                self.hosts |= {host, host.removeprefix("www."), "www." + host.removeprefix("www.")}
        base_path = urlsplit(site.get("wp:base_blog_url", "") or "").path
        self.base_path = SLASHES.sub("/", base_path).rstrip("/")
        self.permalink_structure = permalink_structure

    def path_of(self, url):
        """The request path (with query) of an address on the old site, or None when the
        address is elsewhere. Relative addresses are the old site's."""
        url = (url or "").strip()
        if not url or url.startswith(("#", "mailto:", "tel:")):
            return None
        parts = urlsplit(url)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        if parts.netloc and (parts.hostname or "").lower() not in self.hosts:
            return None
        if not parts.netloc and not url.startswith("/"):
            return None
        path = SLASHES.sub("/", parts.path or "/")
        if self.base_path and path.startswith(self.base_path + "/"):
            path = path[len(self.base_path) :]
        return request_path(path, parts.query)

    def post_paths(self, item, local_date):
        """Every address the post answered at: its link, and the ``--permalink-structure``
        one when given."""
        paths = []
        link = self.path_of(item.get("link", ""))
        if link:
            paths.append(link)
        if self.permalink_structure and local_date is not None:
            paths.append(self.structure_path(item, local_date, item.get("wp:post_name", "")))
        return list(dict.fromkeys(paths))

    def old_slug_paths(self, item, local_date):
        """The addresses the post had under its earlier slugs (``_wp_old_slug``, which
        WordPress redirects): its link with the slug replaced, and the permalink structure's."""
        slug = unquote(item.get("wp:post_name", "").strip())
        link = self.path_of(item.get("link", ""))
        paths = []
        for old in item.get("old_slugs", []):
            old = unquote(old)
            if not old or not slug or old == slug or "/" in old:
                continue
            if link and "?" not in link:
                segments = link.split("/")
                renamed = [old if unquote(segment) == slug else segment for segment in segments]
                if renamed != segments:
                    paths.append(request_path("/".join(renamed)))
            if self.permalink_structure and local_date is not None:
                paths.append(self.structure_path(item, local_date, old))
        return list(dict.fromkeys(paths))

    def structure_path(self, item, local_date, postname):
        values = {
            "year": f"{local_date.year:04d}",
            "monthnum": f"{local_date.month:02d}",
            "day": f"{local_date.day:02d}",
            "hour": f"{local_date.hour:02d}",
            "minute": f"{local_date.minute:02d}",
            "second": f"{local_date.second:02d}",
            "postname": postname,
            "post_id": item.get("wp:post_id", "").strip(),
            "category": next(
                (c["nicename"] for c in item["categories"] if c["domain"] == "category"), ""
            ),
            "author": item.get("dc:creator", "").strip(),
        }
        path = TOKENS.sub(lambda m: values.get(m.group(1), m.group(0)), self.permalink_structure)
        return request_path(path)


def story_at(path):
    """The story whose address ``path`` is (our own address, not a redirect), or None."""
    try:
        match = resolve(unquote(path.split("?", 1)[0]))
    except Resolver404:
        return None
    if match.namespace != "articles" or match.url_name != "article":
        return None
    story = Article.objects.filter(slug=match.kwargs["slug"]).first()
    if story is None or request_path(story.get_absolute_url()) != request_path(path):
        return None
    return story


def answers_here(path):
    """True when the path is one of our own addresses (so a redirect there would never be
    used): the home page, an article address, a section... Query strings aside."""
    path = unquote(path.split("?", 1)[0])
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def save_long_redirect(site, old_path, new_path):
    """An old address too long for the redirect table: kept by its digest (LongRedirect)."""
    key = LongRedirect.digest_of(old_path)
    found = LongRedirect.objects.filter(site=site, path_digest=key).first()
    if found is None:
        LongRedirect.objects.create(
            site=site, path_digest=key, old_path=old_path, new_path=new_path
        )
        return "created"
    if found.new_path == new_path:
        return "unchanged"
    LongRedirect.objects.filter(pk=found.pk).update(new_path=new_path)
    return "updated"


def save_redirects(site, pairs):
    """Create or update permanent redirects, ``pairs`` being (old path, new path); yields
    (old path, outcome, reason), the outcome created, updated, unchanged or skipped.

    Written in bulk, so the redirect table's per-row signal (which renews every cached page)
    does not run once per address: the caller renews once (``renew(CONTENT)``).
    """
    wanted = {}
    for old_path, new_path in pairs:
        if not old_path or old_path == new_path:
            yield old_path, "unchanged", ""
        elif not on_site(new_path):
            yield (
                old_path,
                "skipped",
                _("it would send readers to %(url)s, off this site") % {"url": new_path},
            )
        elif len(old_path) > MAX_PATH:
            yield old_path, save_long_redirect(site, old_path, new_path), ""
        else:
            wanted[old_path] = new_path
    found = {
        redirect.old_path: redirect
        for redirect in Redirect.objects.filter(site=site, old_path__in=list(wanted))
    }
    new = []
    for old_path, new_path in wanted.items():
        redirect = found.get(old_path)
        if redirect is None:
            new.append(Redirect(site=site, old_path=old_path, new_path=new_path))
            yield old_path, "created", ""
        elif redirect.new_path == new_path:
            yield old_path, "unchanged", ""
        else:
            Redirect.objects.filter(pk=redirect.pk).update(new_path=new_path)
            yield old_path, "updated", ""
    Redirect.objects.bulk_create(new)
