"""What a live article tells search engines and feed readers: schema.org LiveBlogPosting
(Google's live badge) with its coverage times and latest entries, and its entries feed."""

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ..seo import FeedLink
from ..structured_data import iso8601
from . import STRUCTURED_UPDATES, entries_of
from .feeds import entry_title


def live_blog_posting(article_data, article, entries, page_url):
    """The article's NewsArticle data as a LiveBlogPosting (a kind of article: every
    property stays), with ``coverageStartTime``/``coverageEndTime`` and the entries as
    ``liveBlogUpdate`` BlogPostings, newest first."""
    data = {**article_data, "@type": "LiveBlogPosting"}
    data["coverageStartTime"] = iso8601(article.live_from)
    if article.live_until:
        data["coverageEndTime"] = iso8601(article.live_until)
    publisher = article_data.get("publisher")
    updates = []
    for entry in entries:
        update = {
            "@type": "BlogPosting",
            "headline": entry_title(entry)[:110],
            "url": f"{page_url}#{entry.anchor}",
            "datePublished": iso8601(entry.posted_at),
            "dateModified": iso8601(entry.updated_at),
            "articleBody": " ".join(strip_tags(entry.body).split()),
        }
        if entry.author:
            update["author"] = {"@type": "Person", "name": entry.author.name}
        elif publisher:
            update["author"] = publisher
        updates.append(update)
    data["liveBlogUpdate"] = updates
    return data


def describe(request, meta, live):
    """Turn an article page's meta into a live one's (called by the article view)."""
    article = live["article"]
    entries = list(entries_of(article)[:STRUCTURED_UPDATES])
    for index, data in enumerate(meta.structured_data):
        if data.get("@type") == "NewsArticle":
            meta.structured_data[index] = live_blog_posting(data, article, entries, meta.canonical)
    meta.feeds.insert(
        0,
        FeedLink(
            _("%(site)s: %(headline)s (live)")
            % {"site": settings.NEWSROOM_SITE_NAME, "headline": article.headline},
            reverse("articles:live_feed", kwargs={"pk": article.pk}),
        ),
    )
