"""Side effects of saving articles, in one place: old addresses keep working and search
stays current."""

from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag

from . import search
from .models import Article, Section


@receiver(pre_save, sender=Article)
def remember_public_url(sender, instance, raw=False, **kwargs):
    instance._old_public_url = None
    if raw or not instance.pk:
        return
    old = Article.objects.filter(pk=instance.pk).only("slug", "publish_at", "status").first()
    if old is not None and old.publish_at is not None and old.status == Article.Status.PUBLISHED:
        instance._old_public_url = old.get_absolute_url()


@receiver(post_save, sender=Article)
def redirect_old_url(sender, instance, raw=False, **kwargs):
    old_url = getattr(instance, "_old_public_url", None)
    if raw or not old_url or instance.publish_at is None:
        return
    new_url = instance.get_absolute_url()
    if old_url == new_url:
        return
    site = Site.objects.get_current()
    # Earlier redirects to the old address follow the article to its new one (no chains),
    # and a redirect that would now point at itself is dropped.
    Redirect.objects.filter(site=site, new_path=old_url).update(new_path=new_url)
    Redirect.objects.filter(site=site, old_path=new_url).delete()
    Redirect.objects.update_or_create(site=site, old_path=old_url, defaults={"new_path": new_url})


# Search: an article's words are its headline, summary, body, tags and section name.
# Fixtures loaded raw are indexed afterwards with `manage.py rebuild_search_index`.


@receiver(post_save, sender=Article)
def index_article(sender, instance, raw=False, using="default", **kwargs):
    if not raw:
        search.reindex(Article.objects.using(using).filter(pk=instance.pk))


@receiver(m2m_changed, sender=Article.tags.through)
def index_article_tags(sender, instance, action, using="default", **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Article):
        search.reindex(Article.objects.using(using).filter(pk=instance.pk))


@receiver(post_delete, sender=Article)
def unindex_article(sender, instance, using="default", **kwargs):
    search.forget(instance.pk, using=using)


@receiver(pre_save, sender=Section)
@receiver(pre_save, sender=Tag)
def remember_name(sender, instance, raw=False, **kwargs):
    instance._old_name = None
    if not raw and instance.pk:
        old = sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        instance._old_name = old


@receiver(post_save, sender=Section)
def index_renamed_section(sender, instance, raw=False, using="default", **kwargs):
    if not raw and getattr(instance, "_old_name", None) not in (None, instance.name):
        search.reindex(Article.objects.using(using).filter(section=instance))


@receiver(post_save, sender=Tag)
def index_renamed_tag(sender, instance, raw=False, using="default", **kwargs):
    if not raw and getattr(instance, "_old_name", None) not in (None, instance.name):
        search.reindex(Article.objects.using(using).filter(tags=instance))
