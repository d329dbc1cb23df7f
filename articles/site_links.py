"""The links of the top bar and the footer (About us, Contact, Privacy Policy...): edited by
editors in the admin, as WordPress's menus are, instead of written into the templates.

A link leads to a flat page, whose address and title it follows (renaming or moving the page
moves the link; deleting the page removes the link rather than leaving one to a 404), or to
any address on the site or https one. Saving or deleting one renews the ``menu`` key every
page's header and footer show (articles/signals.py).
"""

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .breaking import validate_link

TOP_BAR = "top"
FOOTER = "footer"
# The links a new site starts with (the ones the templates held before they were edited here).
DEFAULTS = [
    (TOP_BAR, "/about/", gettext_noop("About us")),
    (TOP_BAR, "/contact/", gettext_noop("Contact us")),
    (FOOTER, "/about/", gettext_noop("About us")),
    (FOOTER, "/contact/", gettext_noop("Contact us")),
    (FOOTER, "/privacy-policy/", gettext_noop("Privacy Policy")),
    (FOOTER, "/corrections/", gettext_noop("Corrections")),
]


class SiteLink(models.Model):
    PLACES = [(TOP_BAR, _("Top bar")), (FOOTER, _("Footer"))]

    place = models.CharField(_("shown in"), max_length=10, choices=PLACES, default=FOOTER)
    page = models.ForeignKey(
        FlatPage,
        verbose_name=_("flat page"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("The link follows the page's address; deleting the page removes it."),
    )
    address = models.CharField(
        _("or address"),
        max_length=500,
        blank=True,
        validators=[validate_link],
        help_text=_("Instead of a flat page: a path on this site (/corrections/) or https://…"),
    )
    label = models.CharField(
        _("label"),
        max_length=60,
        blank=True,
        help_text=_("Leave empty to show the flat page's title."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first.")
    )

    class Meta:
        ordering = ["place", "position", "pk"]
        verbose_name = _("top bar or footer link")
        verbose_name_plural = _("top bar and footer links")

    def __str__(self):
        return self.text

    def clean(self):
        if self.page_id and self.address:
            raise ValidationError(
                {"address": _("Choose a flat page or write an address, not both.")}
            )
        if not self.page_id and not self.address:
            raise ValidationError(_("Choose a flat page or write an address."))
        if not self.page_id and not self.label.strip():
            raise ValidationError({"label": _("A link to an address needs a label.")})

    @property
    def text(self):
        return self.label.strip() or (self.page.title if self.page_id else self.address)

    @property
    def url(self):
        return self.page.url if self.page_id else self.address

    @property
    def external(self):
        return not self.url.startswith("/")


def links_by_place():
    """{place: [links]} for the header and footer, read in one query."""
    found = {TOP_BAR: [], FOOTER: []}
    for link in SiteLink.objects.select_related("page"):
        found.setdefault(link.place, []).append(link)
    return found


def add_defaults(link_model=None, page_model=FlatPage):
    """Give a site without links the usual ones, labelled in the site's language: to the flat
    page at the address when there is one (the link then follows it), else to the address.
    The models are arguments for the migration that first did it (historical models)."""
    link_model = link_model or SiteLink
    if link_model.objects.exists():
        return
    with translation.override(settings.LANGUAGE_CODE):
        for place, url, label in DEFAULTS:
            page = page_model.objects.filter(url=url).first()
            link_model.objects.create(
                place=place,
                page=page,
                address="" if page else url,
                label=gettext(label),
                position=link_model.objects.filter(place=place).count(),
            )
