from urllib.parse import urlencode

from django.db import models
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

# The moderators' right: approve, reject and mark comments as spam.
MODERATE_PERMISSION = "comments.moderate_comment"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """The only comments that ever reach a public page."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def forget_fingerprints(self, before):
        """Blank the address hash and browser of comments posted before `before`."""
        return (
            self.filter(created_at__lt=before)
            .exclude(ip_hash="", user_agent="")
            .update(ip_hash="", user_agent="")
        )


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(_("email"), max_length=254)
    website = models.URLField(_("website"), max_length=200, blank=True)
    body = models.TextField(_("comment"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    spam_signals = models.CharField(
        _("spam signals"),
        max_length=300,
        blank=True,
        help_text=_("Why the comment was held or marked as spam."),
    )
    ip_hash = models.CharField(
        _("client fingerprint"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("A salted hash of the address it came from; the address itself is not kept."),
    )
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    notify_replies = models.BooleanField(
        _("wants reply emails"),
        default=False,
        help_text=_("The commenter asked for an email when a reply is published."),
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can approve, reject and mark comments as spam"))]
        indexes = [models.Index(fields=["article", "status", "created_at"], name="comment_thread")]

    def __str__(self):
        # What moderators know a comment by (the change page's title, "In reply to", the
        # history): who wrote it and how it begins. The story's number told them nothing,
        # and its headline is not for everyone who sees the comment (unpublished stories).
        return _("%(name)s: “%(excerpt)s”") % {"name": self.name, "excerpt": self.excerpt(8)}

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    def reply_url(self):
        """The reply form on a page of its own: what "Reply" opens without JavaScript."""
        form = reverse("comments:reply", kwargs={"article_pk": self.article_id})
        return f"{form}?{urlencode({'parent': self.pk})}"

    def website_url(self):
        """The website, only if it is a web address: nothing else becomes a link."""
        return self.website if self.website.lower().startswith(("http://", "https://")) else ""

    def is_approved(self):
        return self.status == self.Status.APPROVED

    def excerpt(self, words=20):
        return Truncator(self.body).words(words)
