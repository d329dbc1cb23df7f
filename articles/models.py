from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from . import image_files
from .breaking import BreakingNews
from .corrections import Notice
from .curation import Front, Slot
from .desk.models import Autosave, ReviewNote, StaffLanguage  # noqa: F401  (registers them)
from .desk.revisions import Revisions
from .embargo import PreviewLink, PreviewView
from .embeds import Embed
from .fields import SanitizedHTMLField, clean_html
from .labels import Label
from .live.models import LiveEntry
from .photos import BodyImage, Image, PageImage, TaggedImage, sync_body_images
from .site_links import SiteLink
from .wordpress.mapping import LongRedirect, WordPressObject  # noqa: F401  (registers them)

__all__ = [
    "Article",
    "Author",
    "BodyImage",
    "BreakingNews",
    "DailyViews",
    "Embed",
    "Front",
    "Image",
    "Label",
    "LiveEntry",
    "Notice",
    "PageImage",
    "PreviewLink",
    "PreviewView",
    "Section",
    "SiteLink",
    "Slot",
    "TaggedArticle",
    "TaggedImage",
]

# The editors' right: publish, schedule, unpublish, open every article.
PUBLISH_PERMISSION = "articles.publish_article"


class Section(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=500,
        help_text=_("One or two sentences shown on the section page and in search results."),
    )
    menu_order = models.PositiveSmallIntegerField(
        _("menu order"), default=0, help_text=_("Lower numbers come first in the menu.")
    )
    show_in_menu = models.BooleanField(
        _("show in menu"),
        default=True,
        help_text=_("Untick to keep the section reachable but out of the header menu."),
    )

    class Meta:
        ordering = ["menu_order", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class Author(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    bio = models.TextField(
        _("bio"), blank=True, max_length=2000, help_text=_("Plain text, shown on the author page.")
    )
    photo = models.ImageField(_("photo"), upload_to=image_files.author_photo_name, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text=_("The login that writes under this byline, if any."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")
        # A tag's articles in id order from the index alone: its page count joins them with
        # the live articles' index without reading either table.
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_article_by_tag")]


# Written and read only by the database (articles/search.py): never loaded into Python. A
# page of a dozen articles would otherwise carry a dozen full-text vectors, each as large
# as the article's text.
SEARCH_VECTOR_FIELDS = ("search_vector", "search_rank_vector")


def sanitized_value(value):
    """A body about to be written: clean HTML, or refused when it is an expression whose
    result the sanitiser cannot see (F(), Concat(), a subquery)."""
    if isinstance(value, models.Value):
        value = value.value
    if value is not None and not isinstance(value, str):
        raise TypeError(
            "An article body can only be written as text (it is sanitised on the way in), "
            f"not as {type(value).__name__}."
        )
    return clean_html(value or "")


WORDS_PER_MINUTE = 230


def reading_minutes(body):
    """Whole minutes an adult reader takes over the body's text (at least one)."""
    words = len(strip_tags(body or "").split())
    return max(1, -(-words // WORDS_PER_MINUTE))


class ArticleManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().defer(*SEARCH_VECTOR_FIELDS)


class ArticleQuerySet(models.QuerySet):
    # save() and bulk_create() sanitise the body through the field's pre_save(); these two
    # write rows without it, so they sanitise it themselves.
    def update(self, **kwargs):
        if "body" in kwargs:
            kwargs["body"] = sanitized_value(kwargs["body"])
            kwargs.setdefault("reading_time", reading_minutes(kwargs["body"]))
            # The photos a body shows are recorded beside it (articles/photos.py).
            pks = list(self.values_list("pk", flat=True))
            with transaction.atomic(using=self.db):
                count = super().update(**kwargs)
                sync_body_images(pks, kwargs["body"])
            return count
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        if "body" not in fields:
            return super().bulk_update(objs, fields, batch_size=batch_size)
        # Django writes bulk updates as one CASE expression, which update() cannot inspect:
        # bodies go one row at a time (rare: importers and scripts), the rest in bulk.
        objs = list(objs)
        others = [field for field in fields if field != "body"]
        with transaction.atomic(using=self.db):
            if others:
                super().bulk_update(objs, others, batch_size=batch_size)
            for obj in objs:
                obj.body = sanitized_value(obj.body)
                self.filter(pk=obj.pk).update(body=obj.body)
        return len(objs)

    def published(self, now=None):
        """The one publishing rule: every public surface reads through this. Live from
        publish_at, until unpublish_at when one is set (at ``now``, by default the present)."""
        now = now or timezone.now()
        return self.filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now),
            status=Article.Status.PUBLISHED,
            publish_at__lte=now,
        )

    def not_live(self, now=None):
        """Exactly the articles published() leaves out: drafts, stories still scheduled
        and stories taken down. On a news site they are few, where the live ones are most
        of the table (articles.page_data.published_count())."""
        now = now or timezone.now()
        return self.filter(
            ~Q(status=Article.Status.PUBLISHED) | Q(publish_at__gt=now) | Q(unpublish_at__lte=now)
        )

    def scheduled(self):
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())

    def public_now_or_later(self):
        """Live, or going live by itself at its time (no save in between): what readers see
        or will see. Stories taken down, by hand or by their unpublish time, are not."""
        return self.filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=timezone.now()),
            status=Article.Status.PUBLISHED,
        )

    def next_publish_at(self):
        """When the next scheduled article goes live or the next live one comes down (None:
        nothing is scheduled); cached pages must not outlive it (newsroom.cache asks, see
        ArticlesConfig.ready())."""
        going_up = self.scheduled().order_by("publish_at").values_list("publish_at", flat=True)
        coming_down = (
            self.published()
            .filter(unpublish_at__isnull=False)
            .order_by("unpublish_at")
            .values_list("unpublish_at", flat=True)
        )
        moments = [going_up.first(), coming_down.first()]
        return min((moment for moment in moments if moment is not None), default=None)

    def editable_by(self, user):
        """Articles a staff user may open in the admin: all for editors, own for reporters."""
        if user.has_perm(PUBLISH_PERMISSION):
            return self
        bylines = Byline.objects.filter(author__user=user)
        return self.filter(Q(created_by=user) | Q(pk__in=bylines.values("article_id")))

    def for_listing(self):
        """What cards need: the section and the lead photo, never the (large) body."""
        return self.select_related("section", "lead_image", "label").defer("body")


class Byline(models.Model):
    """One author on one article's byline, at the place the desk gave them (articles.bylines
    writes them in order; the table is the one the plain many-to-many used)."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="bylines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        db_table = "articles_article_authors"
        ordering = ["position", "author_id"]
        unique_together = [("article", "author")]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")

    def __str__(self):
        return f"{self.author} ({self.position + 1})"


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    headline = models.CharField(_("headline"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The last part of the address. Changing it on a published article keeps the old "
            "address working through a permanent redirect."
        ),
    )
    kicker = models.CharField(
        _("kicker"),
        max_length=60,
        blank=True,
        help_text=_("A few words over the headline, e.g. ANALYSIS or Election 2026. Optional."),
    )
    dek = models.TextField(
        _("summary"),
        blank=True,
        max_length=400,
        help_text=_("One or two sentences under the headline; also the search-engine summary."),
    )
    body = SanitizedHTMLField(_("body"), blank=True)
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(verbose_name=_("tags"), through=TaggedArticle, blank=True)
    authors = models.ManyToManyField(
        Author,
        verbose_name=_("authors"),
        blank=True,
        related_name="articles",
        through=Byline,
        help_text=_(
            "The byline shows them in this order. To move a name, drag it, or select it and "
            "press the arrow keys."
        ),
    )
    label = models.ForeignKey(
        Label,
        verbose_name=_("label"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_(
            "The kind of work, shown to readers on cards and at the top of the story. "
            "Empty: plain news, no label."
        ),
    )
    dateline = models.CharField(
        _("dateline"),
        max_length=60,
        blank=True,
        help_text=_("Where the story was reported from, e.g. BENGHAZI. Shown as “BENGHAZI —”."),
    )
    reading_time = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=1, editable=False
    )
    # Kept by articles/signals.py: a story without corrections costs its page no query.
    notice_count = models.PositiveSmallIntegerField(
        _("corrections and updates"), default=0, editable=False
    )
    lead_image = models.ForeignKey(
        "Image",
        verbose_name=_("lead photo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_for",
        help_text=_("Chosen from the photo library, or upload a new one below."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )  # indexed first in article_status_publish below
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "When the article goes live. A future time schedules it; empty means now "
            "when it is published."
        ),
    )
    unpublish_at = models.DateTimeField(
        _("unpublish at"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: when the article comes off the site (page, lists, search, feeds), by "
            "itself. Empty: it stays."
        ),
    )
    # Search engines and social cards: each empty one falls back to the headline or summary.
    seo_title = models.CharField(
        _("search headline"),
        max_length=70,
        blank=True,
        help_text=_("The headline search engines show, if it should differ. Up to 70 letters."),
    )
    seo_description = models.CharField(
        _("search description"),
        max_length=160,
        blank=True,
        help_text=_("The summary search engines show, if it should differ. Up to 160 letters."),
    )
    social_title = models.CharField(
        _("social headline"),
        max_length=100,
        blank=True,
        help_text=_("The headline on social media cards, if it should differ."),
    )
    social_description = models.CharField(
        _("social description"),
        max_length=200,
        blank=True,
        help_text=_("The summary on social media cards, if it should differ."),
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    # Live coverage (articles/live/): a live blog of timestamped entries while it runs.
    live_from = models.DateTimeField(
        _("live coverage from"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Makes this a live page of timestamped entries, marked LIVE from then on."),
    )
    live_until = models.DateTimeField(
        _("live coverage until"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "When the coverage ends (marked “Ended” after). Empty: until an editor ends it."
        ),
    )
    live_comments_open = models.BooleanField(
        _("comments while live"),
        default=True,
        help_text=_("Untick to close comments while the live coverage runs, whatever is above."),
    )
    live_revision = models.PositiveIntegerField(default=0, editable=False)  # entries changed
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Written by articles.search.reindex(); used on PostgreSQL (SQLite has an FTS5 table):
    # every word, for matching, and the headline, summary, tags and section, for ranking.
    search_vector = SearchVectorField(null=True, editable=False)
    search_rank_vector = SearchVectorField(null=True, editable=False)

    history = Revisions(  # a save that also writes the byline is one revision
        excluded_fields=["updated_at", "search_vector", "search_rank_vector"],
        m2m_fields=[authors],
    )

    objects = ArticleManager.from_queryset(ArticleQuerySet)()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish, schedule and unpublish articles"))]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="article_status_publish"),
            # Lets SQLite check the publishing rule for each full-text match from the index,
            # without reading the row (and its long body).
            models.Index(fields=["id", "status", "publish_at"], name="article_id_published"),
            # The same, with the unpublish time the rule also reads; and the rule read from
            # an index whichever way SQLite joins full-text matches to it (never the rows).
            models.Index(
                fields=["id", "status", "publish_at", "unpublish_at"],
                name="article_id_published_until",
            ),
            models.Index(
                fields=["status", "publish_at", "unpublish_at"],
                name="article_published_until",
            ),
            # A section's newest articles, and an article's neighbours in its section, read in
            # order from here: the cost does not depend on how far back the article is.
            models.Index(fields=["section", "publish_at", "id"], name="article_section_publish"),
            # A section's published articles counted from the index alone (its list's page
            # count: 2 ms instead of 120 at 12,000 articles, whose rows lie all over the table),
            # the unpublish time included: without it every row is read again for the rule.
            models.Index(
                fields=["section", "status", "publish_at", "id", "unpublish_at"],
                name="article_section_live",
            ),
            # The articles that are not plainly live (drafts, any with an unpublish time),
            # with what the publishing rule reads: not_live() is found here and from the
            # publish time's index without reading a row (published_count()).
            models.Index(
                fields=["id"],
                include=["status", "publish_at", "unpublish_at"],
                condition=~Q(status="published") | Q(unpublish_at__isnull=False),
                name="article_not_plainly_live",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        self.reading_time = reading_minutes(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "reading_time"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.publish_at is None:
            return reverse("articles:preview", kwargs={"pk": self.pk})
        local = timezone.localtime(self.publish_at)
        return reverse(
            "articles:article",
            kwargs={
                "year": local.year,
                "month": f"{local.month:02d}",
                "day": f"{local.day:02d}",
                "slug": self.slug,
            },
        )

    def clean(self):
        super().clean()
        errors = {}
        if self.unpublish_at and self.publish_at and self.unpublish_at <= self.publish_at:
            errors["unpublish_at"] = _("The unpublish time must come after the publish time.")
        if self.live_until and not self.live_from:
            errors["live_until"] = _("Say when the live coverage starts, or leave its end empty.")
        elif self.live_until and self.live_until <= self.live_from:
            errors["live_until"] = _("The live coverage must end after it starts.")
        if errors:
            raise ValidationError(errors)

    def is_published(self):
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    is_published.boolean = True
    is_published.short_description = _("live")

    def live_state(self, now=None):
        """ "live" while its live coverage runs, "ended" after, "" otherwise (articles/live)."""
        now = now or timezone.now()
        if self.live_from is None or self.live_from > now:
            return ""
        return "ended" if self.live_until is not None and self.live_until <= now else "live"

    def can_be_opened_by(self, user):
        """The one rule for unpublished work: editors, and the article's own reporters (who
        created it or carry its byline), may open it: change form, history, versions,
        preview, its photos. Everyone else is told it does not exist."""
        if not (user.is_active and user.is_staff):
            return False
        if user.has_perm(PUBLISH_PERMISSION):
            return True
        return self.pk is not None and Article.objects.editable_by(user).filter(pk=self.pk).exists()

    @cached_property
    def notice_list(self):
        """Its corrections and updates, newest first, read once for the page and its JSON-LD."""
        return list(self.notices.all()) if self.notice_count else []

    def was_updated_after_publishing(self):
        """True when the article changed meaningfully after it went live."""
        if not self.publish_at or not self.updated_at:
            return False
        went_live = max(self.publish_at, self.created_at)
        return (self.updated_at - went_live).total_seconds() > 300


class DailyViews(models.Model):
    """Reader views of one article on one day: one row, incremented atomically."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="daily_views_once_per_day")
        ]
        indexes = [models.Index(fields=["day", "article"], name="daily_views_by_day")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.views}"
