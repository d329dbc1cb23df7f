"""The one cache-invalidation path: every change a reader could see bumps the page generation
(and a change to an article's public comments also renews its comments version)."""

from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.signals import request_started
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from articles.models import Article, Author, Section
from comments.models import Comment
from comments.threads import version_key as comments_version_key

from .cache import invalidate_pages

# The Site's domain is in every feed and sitemap.
READER_VISIBLE = (Article, Section, Author, Tag, FlatPage, Redirect, Site)


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, raw=False, **kwargs):
    if sender in READER_VISIBLE and not raw:
        invalidate_pages()


@receiver(m2m_changed, sender=Article.tags.through)
@receiver(m2m_changed, sender=Article.authors.through)
def relations_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate_pages()


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, signal, raw=False, created=False, **kwargs):
    # A comment arriving or deleted changes nothing public unless it is approved: a spam
    # flood (held, or binned by the blocklist) must not empty the cache, nor must emptying
    # the spam folder. Any change to an existing one may: approving, rejecting, or a
    # moderator taking an approval back.
    if raw or ((created or signal is post_delete) and not instance.is_approved()):
        return
    # The article's rendered thread (comments.threads) is stale too.
    invalidate_pages(comments_version_key(instance.article_id))


@receiver(request_started)
def forget_cached_site(**kwargs):
    """Django keeps the Site record in a per-process dict, which only the process that saved
    a change clears: read it afresh for each request that needs it (feeds, sitemaps, 404s,
    emails), so every worker names the domain the admin last set."""
    Site.objects.clear_cache()
