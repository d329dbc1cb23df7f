"""Django's own content that readers see renews cached pages through the one invalidation
path (newsroom.cache.renew); each app's signals module does the same for its models
(articles.signals, comments.signals)."""

from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cache import CONTENT, SITE, renew

# Flat pages and redirects answer addresses no view names keys for (a redirect replaces a
# 404): what CONTENT renews. The Site's domain is in every page's links: everything.
RENEWS = {FlatPage: CONTENT, Redirect: CONTENT, Site: SITE}


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, raw=False, **kwargs):
    if sender in RENEWS and not raw:
        renew(RENEWS[sender])


@receiver(request_started)
def forget_cached_site(**kwargs):
    """Django keeps the Site record in a per-process dict, which only the process that saved
    a change clears: read it afresh for each request that needs it (feeds, sitemaps, 404s,
    emails), so every worker names the domain the admin last set."""
    Site.objects.clear_cache()
