"""Side effects of saving content, in one place: old addresses keep working, stored HTML
is clean whichever way it arrives, images get their renditions, search stays current,
cached pages are renewed."""

import logging
from functools import partial

from django.contrib.flatpages.models import FlatPage
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from newsroom.cache import CONTENT, renew
from newsroom.media import is_private
from newsroom.storage import StorageUnavailable

from . import (
    body_blocks,
    breaking,
    curation,
    embeds,
    image_files,
    images,
    page_data,
    redirects,
    renewal,
    search,
)
from .fields import clean_html
from .models import (
    Article,
    Author,
    BreakingNews,
    Front,
    Image,
    Label,
    LiveEntry,
    Notice,
    PageImage,
    Section,
    SiteLink,
    Slot,
    sync_body_images,
)
from .photos import sync_page_images
from .tags import public_tags
from .wordpress.mapping import LongRedirect

logger = logging.getLogger(__name__)


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
    redirects.address_moved(old_url, instance.get_absolute_url())


# A section's, tag's or author's new slug, or a flat page's new address: the old addresses
# (the page and its feed) redirect to the new ones, as a story's do. Not a tag's that had no
# page (only drafts carry it): the redirect would give the draft's tag away.
@receiver(pre_save, sender=Section)
@receiver(pre_save, sender=Tag)
@receiver(pre_save, sender=Author)
def remember_slug(sender, instance, raw=False, **kwargs):
    instance._old_slug = None
    if raw or not instance.pk:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if sender is Tag and not public_tags().filter(pk=instance.pk).exists():
        old = None
    instance._old_slug = old


@receiver(post_save, sender=Section)
@receiver(post_save, sender=Tag)
@receiver(post_save, sender=Author)
def redirect_old_slug(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_old_slug", None)
    if raw or not old or old == instance.slug:
        return
    redirects.list_moved(sender, old, instance.slug)


@receiver(pre_save, sender=FlatPage)
def remember_flat_page_url(sender, instance, raw=False, **kwargs):
    old = None if raw or not instance.pk else sender.objects.filter(pk=instance.pk).first()
    instance._old_url = old.url if old is not None else None
    instance._old_title = old.title if old is not None else None


@receiver(post_save, sender=FlatPage)
def redirect_old_flat_page_url(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_old_url", None)
    if not raw and old and old != instance.url:
        redirects.address_moved(old, instance.url)


@receiver(pre_save, sender=FlatPage)
def clean_flat_page(sender, instance, raw=False, **kwargs):
    # Flat pages are rendered as HTML; like article bodies they are stored sanitised.
    instance.content = clean_html(instance.content or "")


@receiver(post_save, sender=FlatPage)
def record_flat_page_blocks(sender, instance, raw=False, **kwargs):
    # A flat page is public once saved: the photos it shows go public with it, and one it
    # no longer shows goes back under private/ when nothing else shows it. Its embeds are
    # fetched as a story's are (an import collects them; ``None``: not a story).
    if raw:
        return
    changed = sync_page_images(instance)
    if changed:
        place_image_files(Image.objects.filter(pk__in=changed))
    urls = body_blocks.embed_urls(instance.content)
    if urls and not embeds.collect(None, urls):
        transaction.on_commit(partial(fetch_embeds, None, urls))


@receiver(pre_delete, sender=FlatPage)
def remember_flat_page_photos(sender, instance, **kwargs):
    instance._photo_ids = list(instance.image_uses.values_list("image_id", flat=True))


@receiver(post_delete, sender=FlatPage)
def place_deleted_flat_page_photos(sender, instance, **kwargs):
    if getattr(instance, "_photo_ids", None):
        place_image_files(Image.objects.filter(pk__in=instance._photo_ids))


# Library images. pre_save is the one place renditions are made: it runs for every save (the
# library, the article form's upload, demo content, importers, the shell, regenerate_renditions),
# and it runs before the row is written, so an upload is cleaned before it is stored and the
# rendition bookkeeping is saved in the same write. Files the image stops using are deleted only
# after the transaction commits, so a rolled-back save never loses the files its old row still
# points at.
IMAGE_FIELDS = {"file", "focal_x", "focal_y", "renditions"}


@receiver(pre_save, sender=Image)
def make_image_renditions(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._unused_image_files = []
    if raw or (update_fields is not None and not IMAGE_FIELDS & set(update_fields)):
        return
    try:
        instance._unused_image_files = images.update_renditions(instance)
    except images.UnreadableImage as exc:
        # The image is saved anyway; pages keep what they had (or the original's address).
        logger.warning("No renditions made: %s", exc)


@receiver(post_save, sender=Image)
def delete_unused_image_files(sender, instance, raw=False, **kwargs):
    names = getattr(instance, "_unused_image_files", [])
    if names:
        transaction.on_commit(partial(images.delete_files, instance.file.storage, names))


@receiver(post_delete, sender=Image)
def delete_image_files(sender, instance, **kwargs):
    names = sorted(images.stored_names(instance))
    if names:
        transaction.on_commit(partial(images.delete_files, instance.file.storage, names))


# Where a library image's files live follows its use (articles/image_files.py): public once a
# published article uses it, private again when none does. An article's save or delete is
# what changes that, for its photo and for the one it had before.
PLACEMENT_FIELDS = {"status", "lead_image"}


@receiver(pre_save, sender=Article)
def remember_lead_image(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._old_lead_image_id = None
    if raw or not instance.pk:
        return
    if update_fields is None or PLACEMENT_FIELDS & set(update_fields):
        instance._old_lead_image_id = (
            Article.objects.filter(pk=instance.pk).values_list("lead_image_id", flat=True).first()
        )


@receiver(post_save, sender=Article)
def place_lead_image_files(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not PLACEMENT_FIELDS & set(update_fields)):
        return
    photos = [instance.lead_image] if instance.lead_image_id else []
    old = getattr(instance, "_old_lead_image_id", None)
    if old and old != instance.lead_image_id:
        photos += Image.objects.filter(pk=old)
    place_image_files(photos)


@receiver(pre_delete, sender=Article)
def remember_photos(sender, instance, **kwargs):
    instance._photo_ids = set(instance.body_image_uses.values_list("image_id", flat=True))
    if instance.lead_image_id:
        instance._photo_ids.add(instance.lead_image_id)


@receiver(post_delete, sender=Article)
def place_files_of_a_deleted_articles_image(sender, instance, **kwargs):
    pks = getattr(instance, "_photo_ids", None)
    if pks:
        place_image_files(Image.objects.filter(pk__in=pks))


# Blocks inside the body: the photos it shows are recorded (the library's "used in", its
# delete refusal, the files' public or private place), and the embeds nobody fetched yet
# get their title and thumbnail once the save has committed (never holding up the save).
BODY_FIELDS = {"body", "status"}


@receiver(post_save, sender=Article)
def record_body_blocks(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not BODY_FIELDS & set(update_fields)):
        return
    changed = sync_body_images([instance.pk], instance.body)
    # Every photo the page shows (body and live entries) follows the story's status.
    photos = Image.objects.filter(Q(body_uses__article=instance) | Q(pk__in=changed)).distinct()
    place_image_files(photos)
    urls = body_blocks.embed_urls(instance.body)
    if urls and not embeds.collect(instance.pk, urls):
        transaction.on_commit(partial(fetch_embeds, instance.pk, urls))


@receiver(post_save, sender=LiveEntry)
@receiver(post_delete, sender=LiveEntry)
def record_entry_blocks(sender, instance, raw=False, **kwargs):
    """A live entry's photos count as its article's (see sync_body_images); its embeds are
    fetched like an article's."""
    if raw:
        return
    article = Article.objects.filter(pk=instance.article_id).only("body", "status").first()
    if article is None:
        return
    changed = sync_body_images([article.pk], article.body)
    if changed:
        place_image_files(Image.objects.filter(pk__in=changed))
    urls = body_blocks.embed_urls(instance.body)
    if urls and kwargs.get("signal") is post_save:
        transaction.on_commit(partial(fetch_embeds, article.pk, urls))


def fetch_embeds(article_pk, urls):
    """Fetch what the facades of a story (``article_pk``) or a flat page (None) show."""
    if embeds.fetch_missing(urls):
        renew(renewal.article(article_pk) if article_pk is not None else CONTENT)


def place_image_files(photos):
    """A photo whose files cannot go public because the storage does not answer stops the
    save (a story must not go live showing files readers cannot fetch; the admin says so in
    the form). One that cannot go back under private/ is logged and stays public: pulling a
    story never waits for the storage (`secure_image_names` moves it once it answers)."""
    for photo in photos:
        going_public = bool(photo.file) and is_private(photo.file.name)
        try:
            old = image_files.sync(photo)
        except image_files.MoveFailed as exc:
            if going_public and isinstance(exc.__cause__, StorageUnavailable):
                raise exc.__cause__ from exc
            logger.error("Files of image %s not moved: %s", photo.pk, exc)
            continue
        if old:
            transaction.on_commit(partial(images.delete_files, photo.file.storage, old))


@receiver(pre_save, sender=Author)
def clean_author_photo(sender, instance, raw=False, **kwargs):
    if not raw:
        images.clean_upload(instance.photo, animated=False)


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


# Cached pages: every change to what readers see renews the keys of what it touched
# (articles.renewal), through the one invalidation path, newsroom.cache.renew. A change no
# reader can see (a draft's save) renews nothing.
PLACEMENT = ("status", "publish_at", "unpublish_at", "section_id")


@receiver(pre_save, sender=Article)
def remember_card(sender, instance, raw=False, **kwargs):
    instance._old_card = None
    instance._old_neighbours = []
    if not raw and instance.pk:
        old = Article.objects.filter(pk=instance.pk).values(*renewal.CARD_FIELDS).first()
        instance._old_card = old
        moves = old is not None and any(old[f] != getattr(instance, f) for f in PLACEMENT)
        if moves and _public(old["status"]):
            # The stories beside it where it was: their Next/Previous and Recommended lose
            # it (the ones beside it where it goes are found after the save).
            where_it_was = Article(
                pk=instance.pk, section_id=old["section_id"], publish_at=old["publish_at"]
            )
            instance._old_neighbours = [
                renewal.neighbours(neighbour.pk)
                for neighbour in page_data.neighbours(where_it_was)
                if neighbour is not None
            ]


def _public(status):
    # Published, live or scheduled: a scheduled article is renewed now so that the pages
    # it will join are kept no longer than its publish time.
    return status == Article.Status.PUBLISHED


def _lists_of(article):
    tag_ids = list(
        Article.tags.through.objects.filter(content_object=article).values_list("tag_id", flat=True)
    )
    author_ids = list(article.authors.values_list("pk", flat=True))
    return tag_ids, author_ids


@receiver(post_save, sender=Article)
def article_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    keys = saved_keys(instance, getattr(instance, "_old_card", None))
    if keys:
        renew(*keys, *getattr(instance, "_old_neighbours", []))


def saved_keys(instance, old):
    """The keys an article's save renews, given what its card showed before (``old``, from
    remember_card; None for a new article): none for a draft, its page for any edit of a
    public one, and the lists and neighbours it joins or leaves when it moves."""
    was_public = old is not None and _public(old["status"])
    if not (was_public or _public(instance.status)):
        return []
    keys = [renewal.article(instance.pk), renewal.text(instance.pk), CONTENT]
    changed = {f for f in renewal.CARD_FIELDS if old is None or old[f] != getattr(instance, f)}
    if changed:
        keys.append(renewal.card(instance.pk))
    if "section_id" in changed:
        keys.append(renewal.related(instance.pk))
    if changed & set(PLACEMENT):
        sections = {instance.section_id, old["section_id"] if old else None}
        keys += renewal.placement_keys(instance, sections, *_lists_of(instance))
        if instance.notices.exists():  # its notices join or leave the corrections list
            keys.append(renewal.CORRECTIONS)
        keys += _front_keys(curation.fronts_showing(instance.pk))  # placed by editors
    return keys


@receiver(pre_delete, sender=Article)
def remember_lists(sender, instance, **kwargs):
    instance._old_lists = _lists_of(instance) if _public(instance.status) else None


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    lists = getattr(instance, "_old_lists", None)
    if lists is not None:
        keys = renewal.placement_keys(instance, {instance.section_id}, *lists)
        renew(renewal.article(instance.pk), renewal.card(instance.pk), CONTENT, *keys)


@receiver(m2m_changed, sender=Article.tags.through)
@receiver(m2m_changed, sender=Article.authors.through)
def relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse or not isinstance(instance, Article) or not _public(instance.status):
        return  # (a tag's or author's side: their own saves and deletes renew theirs)
    listing = renewal.tag_listing if sender is Article.tags.through else renewal.author_listing
    if action == "pre_clear":
        tag_ids, author_ids = _lists_of(instance)
        instance._cleared = tag_ids if sender is Article.tags.through else author_ids
    elif action in ("post_add", "post_remove", "post_clear"):
        ids = pk_set if action != "post_clear" else getattr(instance, "_cleared", [])
        related = [renewal.related(instance.pk)] if sender is Article.tags.through else []
        renew(renewal.article(instance.pk), CONTENT, *related, *(listing(pk) for pk in ids or ()))


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
def section_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        # Its name is in the menu (every page), on the home page's blocks and on its pages.
        renew(
            renewal.section(instance.pk),
            renewal.section_listing(instance.pk),
            renewal.MENU,
            renewal.HOME,
            CONTENT,
        )


@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def tag_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        renew(renewal.tag(instance.pk), renewal.tag_listing(instance.pk), CONTENT)


@receiver(post_save, sender=Author)
@receiver(post_delete, sender=Author)
def author_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        renew(renewal.author(instance.pk), renewal.author_listing(instance.pk), CONTENT)


@receiver(post_save, sender=Notice)
@receiver(post_delete, sender=Notice)
def notice_changed(sender, instance, raw=False, **kwargs):
    """A correction or update changes the story for readers: its page and the corrections
    list are renewed, and its "Updated" time (dateModified) moves; its publish date never."""
    if raw:
        return
    article = Article.objects.filter(pk=instance.article_id).only("status").first()
    if article is None:
        return  # deleted with its article, whose own deletion renews its pages
    count = Notice.objects.filter(article_id=instance.article_id).count()
    if not _public(article.status):  # a draft's notices show nowhere yet
        Article.objects.filter(pk=instance.article_id).update(notice_count=count)
        return
    Article.objects.filter(pk=instance.article_id).update(
        notice_count=count, updated_at=timezone.now()
    )
    renew(renewal.article(instance.article_id), renewal.CORRECTIONS, CONTENT)


def _front_keys(section_ids):
    return [renewal.HOME if pk is None else renewal.section_listing(pk) for pk in section_ids]


@receiver(post_save, sender=Slot)
@receiver(post_delete, sender=Slot)
def slot_changed(sender, instance, raw=False, **kwargs):
    # The front's page; a slot's expiry is one of the times cached pages end at.
    if raw:
        return
    section_id = Front.objects.filter(pk=instance.front_id).values_list("section_id", flat=True)
    renew(*_front_keys(section_id or [None]))


@receiver(post_save, sender=BreakingNews)
@receiver(post_delete, sender=BreakingNews)
def breaking_news_changed(sender, instance, raw=False, **kwargs):
    # On every public page; its expiry is one of the times cached pages end at (renew()
    # notes the next one, articles/schedule.py).
    if not raw:
        renew(breaking.KEY)


@receiver(post_save, sender=SiteLink)
@receiver(post_delete, sender=SiteLink)
def site_link_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # in every page's top bar or footer
        renew(renewal.MENU)


@receiver(post_save, sender=FlatPage)
def linked_flat_page_changed(sender, instance, raw=False, created=False, **kwargs):
    # A link to it shows its address and (unless labelled) its title, not its text; its
    # deletion deletes the links, whose own deletion renews the menu.
    old = (getattr(instance, "_old_url", None), getattr(instance, "_old_title", None))
    if raw or created or old == (instance.url, instance.title):
        return
    if SiteLink.objects.filter(page=instance).exists():
        renew(renewal.MENU)


@receiver(post_save, sender=Label)
@receiver(post_delete, sender=Label)
def label_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        renew(renewal.label(instance.pk), CONTENT)


@receiver(post_save, sender=Image)
@receiver(post_delete, sender=Image)
def image_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    users = Article.objects.filter(
        Q(lead_image_id=instance.pk) | Q(body_image_uses__image_id=instance.pk),
        status=Article.Status.PUBLISHED,
    ).distinct()
    keys = [
        key
        for pk in users.values_list("pk", flat=True)
        for key in (renewal.article(pk), renewal.card(pk))
    ]
    # A photo no public article or flat page shows changes nothing readers see.
    if keys or PageImage.objects.filter(image_id=instance.pk).exists():
        renew(*keys, CONTENT)  # (flat pages are content pages)


@receiver(post_save, sender=LongRedirect)
@receiver(post_delete, sender=LongRedirect)
def long_redirect_changed(sender, raw=False, **kwargs):
    # As a Redirect's change does (newsroom.signals): a cached 404 would hide it.
    if not raw:
        renew(CONTENT)
