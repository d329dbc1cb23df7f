"""The photo library: every photo a story shows is an ``Image``, uploaded once and used by any
number of articles, as their lead photo or inside the body (photo and gallery blocks, whose
uses ``BodyImage`` records), and by flat pages (``PageImage``), so the library knows every
place a photo appears.

Its file is cleaned and its renditions are made on save (``articles/images.py``, called from
``articles/signals.py``); where the files live, public or private, follows its use
(``articles/image_files.py``).
"""

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from . import image_files


class TaggedImage(TaggedItemBase):
    content_object = models.ForeignKey("Image", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("image tag")
        verbose_name_plural = _("image tags")


class ImageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Library images a staff user may see: every one for editors; for everyone else
        their own uploads, the photos of the articles they may open, and photos readers can
        see already (used by a live article). A colleague's photo for an unpublished
        story stays out of sight, like the story."""
        from .models import PUBLISH_PERMISSION, Article

        if user.has_perm(PUBLISH_PERMISSION):
            return self
        # Live, not merely scheduled: a scheduled story's photo is stored at a public name
        # already, but it is news nobody outside the story may see before its time.
        return self.filter(
            Q(uploaded_by=user)
            | Q(lead_for__in=Article.objects.editable_by(user).values("pk"))
            | Q(lead_for__in=Article.objects.published().values("pk"))
            | Q(body_uses__article__in=Article.objects.editable_by(user).values("pk"))
            | Q(body_uses__article__in=Article.objects.published().values("pk"))
            | Q(page_uses__isnull=False)  # on a flat page: readers see it already
        ).distinct()

    def rights_expired(self, today=None):
        return self.filter(usable_until__lt=today or timezone.localdate())


class Image(models.Model):
    file = models.ImageField(
        _("file"),
        upload_to=image_files.library_image_name,
        width_field="width",
        height_field="height",
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("For finding the photo in the library; readers do not see it."),
    )
    alt = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("Describes the image for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    copyright = models.CharField(
        _("copyright and licence"),
        max_length=300,
        blank=True,
        help_text=_("Who owns the photo and on what terms we may use it. Not shown to readers."),
    )
    usable_until = models.DateField(
        _("usable until"),
        null=True,
        blank=True,
        help_text=_(
            "The last day our rights allow the photo to be shown. Articles that use it "
            "afterwards get a warning. Empty means no limit."
        ),
    )
    focal_x = models.FloatField(
        _("focal point across"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_(
            "Where the subject is, from 0 (left edge) to 1 (right edge); crops keep it in view. "
            "Click the current image to set both values. Empty means the centre."
        ),
    )
    focal_y = models.FloatField(
        _("focal point down"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("From 0 (top edge) to 1 (bottom edge)."),
    )
    tags = TaggableManager(verbose_name=_("tags"), through=TaggedImage, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    # Written by articles/images.py on save: the stored renditions, so pages need no query.
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        indexes = [models.Index(fields=["uploaded_at"], name="image_uploaded_at")]

    def __str__(self):
        return self.title

    def rights_expired(self, today=None):
        return self.usable_until is not None and self.usable_until < (today or timezone.localdate())


class BodyImage(models.Model):
    """A library photo shown inside an article's body. Kept in step with the body on every
    save (articles/signals.py, and ``update()``): the library's "used in", its refusal to
    delete a photo in use, and the photo's public or private place all count these."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="body_image_uses")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="body_uses")

    class Meta:
        verbose_name = _("photo in a body")
        verbose_name_plural = _("photos in bodies")
        constraints = [models.UniqueConstraint(fields=["article", "image"], name="body_image_once")]

    def __str__(self):
        return f"{self.image} in {self.article}"


def sync_body_images(article_pks, body):
    """Make the recorded body photos of these articles exactly those their page shows:
    ``body`` (their new body) and their live entries' bodies (ids of photos that no longer
    exist are left out). Returns the images whose uses changed."""
    from .body_blocks import image_ids
    from .live.models import LiveEntry

    in_body = set(image_ids(body))
    changed = set()
    for article_pk in article_pks:
        entries = LiveEntry.objects.filter(article_id=article_pk).values_list("body", flat=True)
        shown = in_body.union(*(image_ids(entry) for entry in entries))
        changed |= _make_uses(BodyImage, {"article_id": article_pk}, shown)
    return changed


def _make_uses(model, owner, shown):
    """Make the use rows of one article or page (``owner``: its field) name exactly the
    photos ``shown`` (ids; those of photos that no longer exist are left out). Returns the
    ids whose use changed."""
    wanted = set(Image.objects.filter(pk__in=shown).values_list("pk", flat=True))
    uses = model.objects.filter(**owner)
    had = set(uses.values_list("image_id", flat=True))
    if had - wanted:
        uses.filter(image_id__in=had - wanted).delete()
    model.objects.bulk_create([model(image_id=pk, **owner) for pk in wanted - had])
    return had ^ wanted


class PageImage(models.Model):
    """A library photo shown on a flat page (About us, Contact...): a flat page is public from
    its first save, so its photos are too. Kept in step with the page's text on every save
    (articles/signals.py)."""

    page = models.ForeignKey(FlatPage, on_delete=models.CASCADE, related_name="image_uses")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="page_uses")

    class Meta:
        verbose_name = _("photo on a flat page")
        verbose_name_plural = _("photos on flat pages")
        constraints = [models.UniqueConstraint(fields=["page", "image"], name="page_image_once")]

    def __str__(self):
        return f"{self.image} on {self.page.url}"


def sync_page_images(page):
    """Make the recorded photos of a flat page exactly those its text shows. Returns the
    images whose uses changed."""
    from .body_blocks import image_ids

    return _make_uses(PageImage, {"page": page}, image_ids(page.content))
