"""The entries of a live article: timestamped posts, newest first, with their own history."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..fields import SanitizedHTMLField


class LiveEntry(models.Model):
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="live_entries",
        db_index=False,  # the indexes below start with it
    )
    headline = models.CharField(
        _("headline"), max_length=200, blank=True, help_text=_("Optional: a few words in bold.")
    )
    body = SanitizedHTMLField(_("text"), blank=True)
    author = models.ForeignKey(
        "articles.Author",
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The byline shown on the entry. Empty: the poster’s own byline."),
    )
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Stays at the top of the live page.")
    )
    key_event = models.BooleanField(
        _("key event"), default=False, help_text=_("Listed in the “Key events” summary.")
    )
    correction = models.BooleanField(
        _("correction"),
        default=False,
        help_text=_("Marks the entry as a correction to what was reported earlier."),
    )
    posted_at = models.DateTimeField(_("posted"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-posted_at", "-id"]
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        indexes = [
            # A live page's entries in order, and a reader's poll ("any after this one?"),
            # each read from an index: the cost does not grow with the number of entries.
            models.Index(fields=["article", "posted_at", "id"], name="live_entry_in_order"),
            models.Index(fields=["article", "id"], name="live_entry_after"),
        ]

    def __str__(self):
        return self.headline or _("Entry of %(moment)s") % {
            "moment": timezone.localtime(self.posted_at).strftime("%Y-%m-%d %H:%M")
        }

    def get_absolute_url(self):
        return reverse("articles:live_entry", kwargs={"pk": self.article_id, "entry": self.pk})

    @property
    def anchor(self):
        return f"entry-{self.pk}"

    def was_edited(self):
        return (self.updated_at - self.posted_at).total_seconds() > 60
