"""Side effects of saving content, in one place: old addresses keep working, stored HTML
is clean whichever way it arrives."""

from django.contrib.flatpages.models import FlatPage
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .fields import clean_html
from .models import Article


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


@receiver(pre_save, sender=FlatPage)
def clean_flat_page(sender, instance, raw=False, **kwargs):
    # Flat pages are rendered as HTML; like article bodies they are stored sanitised.
    instance.content = clean_html(instance.content or "")
