"""Cached pages after a live change: an entry posted, edited or deleted renews the live
article's own key only (its page, its poll answer, its entries feed), never the lists
showing it; switching coverage on, off or to another end renews its cards too (LIVE /
Ended). Connected in ArticlesConfig.ready()."""

import threading

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from newsroom.cache import renew

from .. import renewal
from ..models import Article, LiveEntry
from . import entries_changed

LIVE_FIELDS = ("live_from", "live_until", "live_comments_open")
# Articles being deleted in this thread: their entries go with them, and the article's own
# deletion renews what it showed (no query per entry).
_deleting = threading.local()


@receiver(pre_delete, sender=Article)
def article_deleting(sender, instance, **kwargs):
    if not hasattr(_deleting, "pks"):
        _deleting.pks = set()
    _deleting.pks.add(instance.pk)


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    getattr(_deleting, "pks", set()).discard(instance.pk)


@receiver(post_save, sender=LiveEntry)
@receiver(post_delete, sender=LiveEntry)
def entry_changed(sender, instance, raw=False, **kwargs):
    if raw or instance.article_id in getattr(_deleting, "pks", ()):
        return
    entries_changed(instance.article_id)
    status = Article.objects.filter(pk=instance.article_id).values_list("status", flat=True)
    if status.first() == Article.Status.PUBLISHED:  # a draft's entries are nobody's yet
        renew(renewal.article(instance.article_id))


@receiver(pre_save, sender=Article)
def remember_live_fields(sender, instance, raw=False, **kwargs):
    instance._old_live = None
    if not raw and instance.pk:
        instance._old_live = Article.objects.filter(pk=instance.pk).values(*LIVE_FIELDS).first()


@receiver(post_save, sender=Article)
def live_fields_changed(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_old_live", None)
    if raw or old is None or instance.status != Article.Status.PUBLISHED:
        return
    if any(old[name] != getattr(instance, name) for name in LIVE_FIELDS):
        # The article's own save renews its page and the content pages (the news sitemap).
        renew(renewal.article(instance.pk), renewal.card(instance.pk))
