"""A live article's entries as a feed: what feed readers and apps follow while it runs."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.formats import time_format
from django.utils.html import escape, format_html, format_html_join, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from newsroom.cache import Fragments

from .. import renewal
from . import entries_of
from .views import live_article

FEED_LENGTH = 30
TITLE_WORDS = 12
# How many of a live article's latest entries its item in the article feeds carries.
IN_ARTICLE_FEEDS = 5


def entry_title(entry):
    """The entry's headline, or the first words of its text."""
    return entry.headline or Truncator(" ".join(strip_tags(entry.body).split())).words(TITLE_WORDS)


class LiveEntriesFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, pk):
        Fragments.of(request).declare(renewal.article(pk))
        return live_article(pk)

    def title(self, article):
        return _("%(site)s: %(headline)s (live)") % {
            "site": settings.NEWSROOM_SITE_NAME,
            "headline": article.headline,
        }

    def link(self, article):
        return article.get_absolute_url()

    def description(self, article):
        return article.dek or article.headline

    def items(self, article):
        return entries_of(article)[:FEED_LENGTH]

    def item_title(self, entry):
        title = entry_title(entry)
        return escape(_("Correction: %(title)s") % {"title": title} if entry.correction else title)

    def item_description(self, entry):
        return entry.body

    def item_link(self, entry):
        return entry.get_absolute_url()

    def item_guid(self, entry):
        return f"live-entry-{entry.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, entry):
        return entry.author.name if entry.author else None

    def item_pubdate(self, entry):
        return entry.posted_at

    def item_updateddate(self, entry):
        return entry.updated_at


def article_feed_description(article):
    """A live article's description in the article feeds (articles/feeds.py): its summary,
    then its latest entries, newest first."""
    entries = entries_of(article)[:IN_ARTICLE_FEEDS]
    latest = format_html_join(
        "",
        "<li>{}: {}</li>",
        (
            (time_format(timezone.localtime(entry.posted_at)), entry_title(entry))
            for entry in entries
        ),
    )
    return format_html("<p>{}</p><p>{}</p><ul>{}</ul>", article.dek, _("Latest updates:"), latest)
