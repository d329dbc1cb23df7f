"""Corrections and updates: typed notices on a story, shown at its top or bottom, written into
its JSON-LD as ``correction``, and listed, newest first, on the public /corrections/ page and
its feed.

A notice changes the story for readers: it renews the story's page and moves its "Updated"
time (``dateModified``), never its publish date (articles/signals.py).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeQuerySet(models.QuerySet):
    def public(self):
        """Notices readers may see: those on published articles (the one publishing rule)."""
        from .models import Article

        return self.filter(article__in=Article.objects.published())


class Notice(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        UPDATE = "update", _("Update")
        EDITORS_NOTE = "editors-note", _("Editor’s note")

    class Position(models.TextChoices):
        TOP = "top", _("Top of the story")
        BOTTOM = "bottom", _("Bottom of the story")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        _("text"),
        max_length=2000,
        help_text=_(
            "Plain text, e.g. “An earlier version of this story misstated the date of the "
            "meeting. It was on Tuesday.”"
        ),
    )
    noted_at = models.DateTimeField(_("date"), default=timezone.now)
    position = models.CharField(
        _("shown at"), max_length=10, choices=Position.choices, default=Position.TOP
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-noted_at", "-id"]
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")
        indexes = [models.Index(fields=["noted_at", "id"], name="notice_newest")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"notice-{self.pk}"
