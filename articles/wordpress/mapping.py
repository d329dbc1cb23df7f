"""What an import remembers: the WordPress ID of each object it made, so that running it
again updates instead of duplicating, and a run stopped half-way can simply be restarted."""

import hashlib

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class WordPressObject(models.Model):
    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
        POST = "post", _("Post")
        PAGE = "page", _("Page")
        ATTACHMENT = "attachment", _("Attachment")
        MEDIA_FILE = "media", _("Media file")
        COMMENT = "comment", _("Comment")
        MENU_ITEM = "menu_item", _("Menu link")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # A number for posts, terms and comments; the login for authors; the file's path in
    # wp-content/uploads for an image found only in a body.
    wp_id = models.CharField(_("WordPress ID"), max_length=200)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # A digest of what the export said about it last time: unchanged means nothing to write.
    digest = models.CharField(_("digest"), max_length=64, blank=True)
    # A digest of what the import last wrote to the object: when the object no longer
    # matches it, the desk has edited it since, and a later run leaves it as it is.
    written = models.CharField(_("written"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        verbose_name = _("WordPress object")
        verbose_name_plural = _("WordPress objects")
        constraints = [
            models.UniqueConstraint(fields=["kind", "wp_id"], name="wordpress_object_once")
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="wordpress_object_target")
        ]

    def __str__(self):
        return f"{self.kind} {self.wp_id}"


class LongRedirect(models.Model):
    """An old address longer than the redirect table takes (django.contrib.redirects keeps
    200 characters; WordPress lets a percent-encoded slug alone reach 200), found by a digest
    of the address. Looked up with the table, in articles.redirects."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, verbose_name=_("site"))
    path_digest = models.CharField(_("digest of the old address"), max_length=64)
    old_path = models.TextField(_("redirect from"))
    new_path = models.CharField(_("redirect to"), max_length=200)

    class Meta:
        verbose_name = _("long redirect")
        verbose_name_plural = _("long redirects")
        constraints = [
            models.UniqueConstraint(fields=["site", "path_digest"], name="long_redirect_once")
        ]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    @staticmethod
    def digest_of(old_path):
        return hashlib.sha256(old_path.encode()).hexdigest()
