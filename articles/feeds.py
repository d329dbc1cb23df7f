"""RSS 2.0 (and Atom) feeds of the latest published articles: the whole site, a section, a tag,
an author. Each answers in a fixed number of queries, whatever the number of articles."""

import io

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from newsroom.cache import Fragments

from . import bylines, renewal
from .live import feeds as live_feeds
from .models import Article, Section
from .seo import last_modified, social_image
from .tags import public_tags

FEED_LENGTH = 30
TAGS = "feed_tags"  # items' tags, prefetched as a list (see bylines.prefetch())
MEDIA_RSS = "http://search.yahoo.com/mrss/"


class MediaRssMixin:
    """Adds <media:content> (Media RSS) for the article's picture, with its size and alt
    text; writes the document in one piece."""

    def write(self, outfile, encoding):
        # The XML writer sends every tag, attribute and text to the response as a write of
        # its own (1,700 for a feed of 30 stories, a sixth of its render): gathered first.
        document = io.StringIO()
        super().write(document, encoding)
        outfile.write(document.getvalue())

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        image = item.get("media")
        if image is None:
            return
        attributes = {"url": image["url"], "medium": "image", "type": image["type"]}
        if image["width"] and image["height"]:
            attributes |= {"width": str(image["width"]), "height": str(image["height"])}
        handler.startElement("media:content", attributes)
        if image["alt"]:
            handler.addQuickElement("media:description", image["alt"], {"type": "plain"})
        handler.endElement("media:content")


class ArticleRssFeedType(MediaRssMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS}


class ArticleAtomFeedType(MediaRssMixin, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS}


class LatestArticlesFeed(Feed):
    """The whole site."""

    feed_type = ArticleRssFeedType

    def title(self, obj):
        return settings.NEWSROOM_SITE_NAME

    def link(self, obj):
        return reverse("articles:home")

    def description(self, obj):
        return settings.NEWSROOM_TAGLINE

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        return (
            self.articles(obj)
            .for_listing()
            .prefetch_related(Prefetch("tags", to_attr=TAGS), bylines.prefetch())[:FEED_LENGTH]
        )

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Picture addresses are relative unless media lives on another host; feeds need them whole.
        domain, secure = get_current_site(request).domain, request.is_secure()
        for item in feed.items:
            for enclosure in item["enclosures"]:
                enclosure.url = add_domain(domain, enclosure.url, secure)
            if item["media"] is not None:
                item["media"]["url"] = add_domain(domain, item["media"]["url"], secure)
        # A live article's item shows its latest entries: a new one renews the feed too.
        live = [renewal.article(item["live"]) for item in feed.items if item.get("live")]
        Fragments.of(request).add(*live)
        return feed

    # RSS readers treat <title> as HTML: a headline is text, so it is escaped once more.
    def item_title(self, article):
        return escape(article.headline)

    def item_description(self, article):
        if article.live_from is not None:  # live coverage: its latest entries follow
            return live_feeds.article_feed_description(article)
        return escape(article.dek)

    def item_author_name(self, article):
        names = [author.name for author in bylines.ordered(article)]
        return ", ".join(names) or None

    def item_categories(self, article):
        # A feed whose items() skips the prefetch (a subclass's own list) reads them itself.
        tags = getattr(article, TAGS, None)
        if tags is None:
            tags = article.tags.all()
        names = [article.section.name, *(tag.name for tag in tags)]
        return list(dict.fromkeys(names))

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return last_modified(article)

    def item_enclosures(self, article):
        image = social_image(article)
        if image is None:
            return []
        return [Enclosure(image.url, str(image.size()), image.mime_type)]

    def item_extra_kwargs(self, article):
        image = social_image(article)
        if image is None:
            return {"media": None, "live": article.pk if article.live_from else None}
        media = {
            "url": image.url,
            "type": image.mime_type,
            "width": image.width,
            "height": image.height,
            "alt": image.alt,
        }
        return {"media": media, "live": article.pk if article.live_from else None}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = ArticleAtomFeedType
    subtitle = LatestArticlesFeed.description

    # Atom says what its text is: a title is plain text (no second escaping), a summary HTML.
    def item_title(self, article):
        return article.headline


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return _("%(site)s: %(section)s") % {
            "site": settings.NEWSROOM_SITE_NAME,
            "section": section.name,
        }

    def link(self, section):
        return section.get_absolute_url()

    def description(self, section):
        return section.description or _("The latest %(section)s news.") % {"section": section.name}

    def articles(self, section):
        return Article.objects.published().filter(section=section)


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(public_tags(), slug=slug)

    def title(self, tag):
        return _("%(site)s: tagged %(tag)s") % {
            "site": settings.NEWSROOM_SITE_NAME,
            "tag": tag.name,
        }

    def link(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def description(self, tag):
        return _("The latest articles tagged %(tag)s.") % {"tag": tag.name}

    def articles(self, tag):
        return Article.objects.published().filter(tags=tag)


class AuthorFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(bylines.public_authors(), slug=slug)

    def title(self, author):
        return _("%(site)s: articles by %(name)s") % {
            "site": settings.NEWSROOM_SITE_NAME,
            "name": author.name,
        }

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return _("The latest articles by %(name)s.") % {"name": author.name}

    def articles(self, author):
        return Article.objects.published().filter(authors=author)
