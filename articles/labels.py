"""Type-of-work labels: News, Analysis, Opinion, Explainer, Review, Sponsored, and whatever
else the desk adds in the admin.

A label is words on every card and at the top of the story (never colour alone), a
schema.org type in the article's JSON-LD, and, for paid content, two rules: outbound links
in the body carry ``rel="sponsored"`` (added when the page is rendered, so stored bodies
stay as written) and the story stays out of the Google News sitemap. What a label *does*
follows its schema.org type, so a label added later ("Obituary", "Interview") behaves
correctly without code: choose the type that describes it.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.db import models
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _


class Label(models.Model):
    class SchemaType(models.TextChoices):
        NEWS = "NewsArticle", _("News (NewsArticle)")
        ANALYSIS = "AnalysisNewsArticle", _("Analysis (AnalysisNewsArticle)")
        OPINION = "OpinionNewsArticle", _("Opinion (OpinionNewsArticle)")
        BACKGROUND = "BackgroundNewsArticle", _("Explainer, background (BackgroundNewsArticle)")
        REVIEW = "ReviewNewsArticle", _("Review (ReviewNewsArticle)")
        REPORTAGE = "ReportageNewsArticle", _("Reportage (ReportageNewsArticle)")
        ASK_PUBLIC = "AskPublicNewsArticle", _("Question to readers (AskPublicNewsArticle)")
        SPONSORED = "AdvertiserContentArticle", _("Paid content (AdvertiserContentArticle)")

    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    schema_type = models.CharField(
        _("kind of work"),
        max_length=40,
        choices=SchemaType.choices,
        default=SchemaType.NEWS,
        help_text=_(
            "What search engines are told the story is. Paid content also marks the story's "
            "outbound links as sponsored and keeps it out of the Google News sitemap."
        ),
    )
    prominent = models.BooleanField(
        _("prominent"),
        default=False,
        help_text=_(
            "Show the label boxed, so readers cannot miss it (opinion, paid content), with "
            "the note below at the top of the story."
        ),
    )
    note = models.CharField(
        _("note for readers"),
        max_length=300,
        blank=True,
        help_text=_(
            "One sentence at the top of every story with this label, e.g. “The views "
            "expressed are the author’s own.”"
        ),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first in the article form.")
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")

    def __str__(self):
        return self.name

    @property
    def is_sponsored(self):
        return self.schema_type == self.SchemaType.SPONSORED


# The labels a new site starts with (the data migration and the demo content make them).
DEFAULT_LABELS = [
    # name, slug, schema type, prominent, note
    ("News", "news", Label.SchemaType.NEWS, False, ""),
    ("Analysis", "analysis", Label.SchemaType.ANALYSIS, False, ""),
    (
        "Opinion",
        "opinion",
        Label.SchemaType.OPINION,
        True,
        "This is an opinion piece. The views expressed are the author’s own.",
    ),
    ("Explainer", "explainer", Label.SchemaType.BACKGROUND, False, ""),
    ("Review", "review", Label.SchemaType.REVIEW, False, ""),
    (
        "Sponsored",
        "sponsored",
        Label.SchemaType.SPONSORED,
        True,
        "Paid content, produced for an advertiser. Our newsroom was not involved.",
    ),
]


def ensure_default_labels():
    """The default labels, made again where they are missing (a flushed test database)."""
    for order, (name, slug, kind, prominent, note) in enumerate(DEFAULT_LABELS):
        Label.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "schema_type": kind,
                "prominent": prominent,
                "note": note,
                "order": order,
            },
        )


def schema_type(article):
    """The schema.org type of an article's JSON-LD."""
    label = article.label if article.label_id else None
    return label.schema_type if label is not None else Label.SchemaType.NEWS


def is_sponsored(article):
    return bool(article.label_id) and article.label.is_sponsored


class _LinkFinder(HTMLParser):
    """The <a> start tags of a fragment of HTML, with where each starts and ends."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append((self.getpos(), self.get_starttag_text(), attrs))

    handle_startendtag = handle_starttag


def _is_outbound(href, own_hosts):
    parts = urlsplit(href.strip())
    if parts.scheme.lower() not in ("http", "https", ""):
        return False
    return bool(parts.netloc) and parts.hostname not in own_hosts


def mark_sponsored_links(markup, own_hosts=()):
    """The HTML with ``sponsored`` added to the rel of every link leaving the site (and
    ``noopener``); the rest left byte for byte. Bodies are stored sanitised, so every tag
    the parser finds is well formed."""
    finder = _LinkFinder()
    finder.feed(markup)
    finder.close()
    if not finder.links:
        return markup
    line_starts = [0]
    for line in markup.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    pieces, done = [], 0
    for (line, column), original, attrs in finder.links:
        values = dict(attrs)
        if not _is_outbound(values.get("href") or "", own_hosts):
            continue
        start = line_starts[line - 1] + column
        rel = (values.get("rel") or "").split()
        rel += [token for token in ("sponsored", "noopener") if token not in rel]
        values["rel"] = " ".join(rel)
        rebuilt = "<a" + "".join(
            f' {name}="{escape(value)}"' if value is not None else f" {name}"
            for name, value in values.items()
        )
        rebuilt += "/>" if original.endswith("/>") else ">"
        pieces += [markup[done:start], rebuilt]
        done = start + len(original)
    pieces.append(markup[done:])
    return "".join(pieces)
