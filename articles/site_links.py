"""The site's own links: the top bar's and the footer's (About us, Contact, Privacy
Policy...) and the "Follow us" box's (the newsroom's accounts), edited by editors in the
admin, as WordPress's menus and widgets are, instead of written into the templates or the
settings.

A link leads to a flat page, whose address and title it follows (renaming or moving the page
moves the link; deleting the page removes the link rather than leaving one to a 404), or to
any address on the site or https one. Saving or deleting one renews the ``menu`` key every
page's header, footer and "Follow us" box show (articles/signals.py).

A new site starts with the usual links, and with the "Follow us" links of the SOCIAL_LINKS
setting; ``manage.py check --deploy`` warns while those still point at a network's home
page rather than at the newsroom's account.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.core.checks import Warning, register
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .breaking import validate_link

TOP_BAR = "top"
FOOTER = "footer"
FOLLOW = "follow"
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
    PLACES = [(TOP_BAR, _("Top bar")), (FOOTER, _("Footer")), (FOLLOW, _("Follow us"))]

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
        verbose_name = _("site link")
        verbose_name_plural = _("site links")

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
    """{place: [links]} for the header, the footer and the "Follow us" box, in one query."""
    found = {TOP_BAR: [], FOOTER: [], FOLLOW: []}
    for link in SiteLink.objects.select_related("page"):
        found.setdefault(link.place, []).append(link)
    return found


def add_defaults(link_model=None, page_model=FlatPage, places=(TOP_BAR, FOOTER, FOLLOW)):
    """Give each of ``places`` that has no link the usual ones, labelled in the site's
    language: to the flat page at the address when there is one (the link then follows it),
    else to the address; "Follow us", the SOCIAL_LINKS setting's. The models are arguments
    for the migrations that first did it (historical models)."""
    link_model = link_model or SiteLink
    follow = [(FOLLOW, url, label) for label, url in settings.NEWSROOM_SOCIAL_LINKS]
    with translation.override(settings.LANGUAGE_CODE):
        for place in places:
            if link_model.objects.filter(place=place).exists():
                continue
            for position, (_place, url, label) in enumerate(
                row for row in [*DEFAULTS, *follow] if row[0] == place
            ):
                try:
                    validate_link(url)
                except ValidationError:
                    continue  # (a SOCIAL_LINKS entry that is not https://: left out)
                page = page_model.objects.filter(url=url).first()
                link_model.objects.create(
                    place=place,
                    page=page,
                    address="" if page else url,
                    label=(gettext(label) if place != FOLLOW else label)[:60],
                    position=position,
                )


def is_network_home(address):
    """True for an outside address with no path: a network's home page, not an account."""
    parts = urlsplit(address)
    return bool(parts.netloc) and parts.path.strip("/") == "" and not parts.query


@register(deploy=True)
def follow_links_are_the_newsrooms(app_configs, **kwargs):
    """The "Follow us" links point at an account, not at a network's home page (the stock
    SOCIAL_LINKS a new site starts with)."""
    if settings.DEBUG:
        return []
    try:
        links = list(SiteLink.objects.filter(place=FOLLOW, page=None))
    except DatabaseError:
        return []  # not migrated yet: migrate makes them
    placeholders = [link.text for link in links if is_network_home(link.address)]
    if not placeholders:
        return []
    return [
        Warning(
            f"Follow us: {', '.join(placeholders)} point at the network's home page, not at "
            "the newsroom's account.",
            hint="Change them in the admin (Site links, shown in “Follow us”), or delete "
            "those of the networks you are not on.",
            id="newsroom.W003",
        )
    ]
