"""The breaking-news banner: a short line, a link and an expiry time, shown at the top of
every public page from the moment it is saved until it expires.

No job takes it down: cached pages are kept no longer than the banner's expiry (it is one
of the times articles tell the page cache about, articles/schedule.py), so every cache layer
lets go of it on time, and saving or deleting one renews the ``breaking`` key every page
shows (articles/signals.py). Readers dismiss it in their browser (localStorage), never
with a cookie that would make pages uncacheable.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import BooleanField, Case, Subquery, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY = "breaking"  # the cache key every public page shows (articles/renewal.py)


def validate_link(value):
    """An address on this site (/2025/01/02/story/) or a whole https one. Browsers read a
    backslash as a slash, so "/\\evil.example" would lead to another site: none is taken."""
    if value.startswith("/") and not value.startswith("//"):
        if "\\" in value or any(ch.isspace() or ord(ch) < 32 for ch in value):
            raise ValidationError(
                _("A path on this site has no backslash and no spaces: /2025/01/02/story/.")
            )
        return
    URLValidator(
        schemes=["https"],
        message=_("Enter a web address (https://…) or a path on this site (/…)."),
    )(value)


class BreakingNewsQuerySet(models.QuerySet):
    def up(self, now=None):
        """Banners not yet expired, the most recently saved first."""
        return self.filter(expires_at__gt=now or timezone.now()).order_by("-updated_at")

    def current(self, now=None):
        """The banner to show now: the most recently saved one not yet expired."""
        return self.up(now).first()

    def with_showing(self, now=None):
        """Each banner with ``showing``: whether readers see it (the current one only; an
        older banner still up waits behind it)."""
        shown = self.model.objects.up(now).values("pk")[:1]
        return self.annotate(
            showing=Case(
                When(pk=Subquery(shown), then=True), default=False, output_field=BooleanField()
            )
        )

    def next_expiry(self):
        """When the next banner expires (None: none is up): pages must not outlive it."""
        return (
            self.filter(expires_at__gt=timezone.now())
            .order_by("expires_at")
            .values_list("expires_at", flat=True)
            .first()
        )


class BreakingNews(models.Model):
    text = models.CharField(
        _("text"), max_length=160, help_text=_("One short line, e.g. “Polls close in Libya”.")
    )
    link = models.CharField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[validate_link],
        help_text=_("Where the banner leads: a story's address on this site, or https://…"),
    )
    expires_at = models.DateTimeField(
        _("shown until"),
        help_text=_("The banner disappears from every page at this time, by itself."),
    )
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    objects = BreakingNewsQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("breaking-news banner")
        verbose_name_plural = _("breaking-news banners")

    def __str__(self):
        return self.text

    def clean(self):
        if self.expires_at is not None and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": _("Choose a time in the future.")})

    @property
    def version(self):
        """Names this banner as saved: a reader who dismissed it sees it again if it changes."""
        return f"{self.pk}-{int(self.updated_at.timestamp())}"
