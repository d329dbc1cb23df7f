"""Front-page and section curation: editors choose the lead story and an ordered set of top
stories for the home page and each section front.

A ``Front`` is one page (the home page, or a section); its ``Slot``\\s are ordered (the first
is the lead), each with an optional expiry. Only live articles are shown (the one publishing
rule): an expired slot, or one whose article is not live, is skipped and the page falls
back to the latest stories. A curated story is not repeated further down the same page.
Saving a front renews its page (articles/signals.py); a slot's expiry is one of the times
cached pages end at (articles/schedule.py).
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOP_STORIES = 5  # the lead and four top stories


class Front(models.Model):
    section = models.OneToOneField(
        "articles.Section",
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="front",
        help_text=_("Empty: the home page."),
    )

    class Meta:
        verbose_name = _("front page")
        verbose_name_plural = _("front pages")
        constraints = [
            # One home page: the section is empty on it, and NULLs are never equal.
            models.UniqueConstraint(
                Coalesce("section", 0),
                name="one_front_per_page",
                violation_error_message=_("This page has its front already: change that one."),
            ),
        ]

    def __str__(self):
        return str(self.section) if self.section_id else str(_("Home page"))


class SlotQuerySet(models.QuerySet):
    def showing(self, now=None):
        """Slots whose time has not run out."""
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def next_expiry(self):
        return (
            self.filter(expires_at__gt=timezone.now())
            .order_by("expires_at")
            .values_list("expires_at", flat=True)
            .first()
        )


class Slot(models.Model):
    front = models.ForeignKey(
        Front, verbose_name=_("front page"), on_delete=models.CASCADE, related_name="slots"
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="slots",
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("The first is the lead story.")
    )
    expires_at = models.DateTimeField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("Empty: until you change it. Afterwards the latest story takes its place."),
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")

    def __str__(self):
        return str(self.article)


def picks(section=None, limit=TOP_STORIES):
    """The live articles editors placed on a front, in their order, without repeats.
    ``section``: a section's front; None: the home page's.

    First the slots alone (a small table, a query the database plans at once): a front
    without picks, most sections, costs nothing more. Read in one query with the articles,
    their joins cost more to plan (3.6 ms on 100,000 articles) than to run (0.2 ms)."""
    from .models import Article

    front = Q(front__section__isnull=True) if section is None else Q(front__section=section)
    ids = list(
        dict.fromkeys(Slot.objects.showing().filter(front).values_list("article_id", flat=True))
    )
    if not ids:
        return []
    live = (
        Article.objects.published()
        .filter(pk__in=ids)
        .select_related("section", "lead_image", "label")
        .defer("body")
    )
    found = {article.pk: article for article in live}
    return [found[pk] for pk in ids if pk in found][:limit]


def fronts_showing(article_pk):
    """The section ids (None: the home page) of the fronts this article is placed on."""
    return set(
        Slot.objects.filter(article_id=article_pk).values_list("front__section_id", flat=True)
    )
