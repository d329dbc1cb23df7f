"""What the desk keeps beside an article: each writer's rolling autosave."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Autosave(models.Model):
    """One writer's unsaved text of one article, replaced every few seconds while the form
    is open and deleted by their next real save: never the article itself, never history.
    Without an article: the text of a new article not saved yet (one per writer)."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The version of the article the form was opened on (articles/desk/conflicts.py): a
    # restored text saved over a newer version is refused like any older form.
    based_on = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="autosave_once_per_writer"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(article__isnull=True),
                name="autosave_new_article_once_per_writer",
            ),
        ]

    def __str__(self):
        return f"{self.article_id} / {self.user_id}"


class ReviewNote(models.Model):
    """An editor's note sending a piece back to its reporter: shown on the form while the
    piece is a draft again, closed when it is submitted anew."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="review_notes",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")

    def __str__(self):
        return self.text[:60]

    @property
    def author_name(self):
        user = self.written_by
        return (user.get_full_name() or user.get_username()) if user else _("an editor")


class StaffLanguage(models.Model):
    """The language a staff member reads the desk's emails in (empty: the site's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="desk_language",
    )
    # A code from settings.LANGUAGES (not choices here: a migration would carry the list).
    language = models.CharField(_("language"), max_length=10)

    class Meta:
        verbose_name = _("staff language")
        verbose_name_plural = _("staff languages")

    def __str__(self):
        return f"{self.user}: {self.language}"


class QueuedEmail(models.Model):
    """A desk email waiting to go out: written in the same transaction as the change it tells
    of (a save that fails queues nothing), sent after the commit, and kept, with its error,
    to be tried again later when the mail server does not take it (articles/desk/outbox.py).
    Deleted once sent."""

    recipient = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When to try next; empty once given up (after outbox.MAX_ATTEMPTS).
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["queued_at", "id"]
        verbose_name = _("queued email")
        verbose_name_plural = _("queued emails")

    def __str__(self):
        return f"{self.recipient}: {self.subject}"
