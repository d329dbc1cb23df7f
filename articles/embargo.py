"""Embargoed previews for named outsiders (a partner, a lawyer): a signed, expiring,
revocable link to an unpublished or scheduled article, opened without a login.

The page is the editors' preview: ``noindex``, never stored by any cache (``private,
no-store``), no referrer sent onwards. Every opening is logged on the article (which link,
so who, and when). Nothing else changes: the article stays out of every public surface
(page, search, feeds, sitemaps, related, popular) until its time, by the one publishing
rule.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SALT = "articles.embargo"


def default_expiry():
    return timezone.now() + timedelta(days=3)


def new_token():
    return secrets.token_urlsafe(24)


class PreviewLink(models.Model):
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="preview_links",
    )
    recipient = models.CharField(
        _("for"),
        max_length=200,
        help_text=_("Who the link is for, e.g. “Jane Roe, counsel for the Herald”."),
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    expires_at = models.DateTimeField(
        _("valid until"),
        default=default_expiry,
        help_text=_("The link stops working at this time."),
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links for outsiders")

    def __str__(self):
        return self.recipient

    def get_absolute_url(self):
        signed = signing.Signer(salt=SALT).sign(self.token)
        return reverse("articles:embargo_preview", kwargs={"signed": signed})

    def is_valid(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class PreviewView(models.Model):
    """One opening of a preview link: who (the link's recipient) and when."""

    link = models.ForeignKey(
        PreviewLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="views"
    )
    viewed_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = _("preview opened")
        verbose_name_plural = _("previews opened")

    def __str__(self):
        return f"{self.link.recipient} {self.viewed_at:%Y-%m-%d %H:%M}"


def find(signed):
    """The link a signed token names, or None (forged, unknown)."""
    try:
        token = signing.Signer(salt=SALT).unsign(signed)
    except signing.BadSignature:
        return None
    return PreviewLink.objects.select_related("article").filter(token=token).first()
