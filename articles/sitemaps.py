"""Sitemaps of everything public, and a Google News sitemap of the last 48 hours.

Each sitemap answers in a fixed number of queries; Django splits one past `limit` URLs into
numbered pages (?p=2) listed in the index.
"""

from datetime import timedelta

from django.contrib.flatpages.sitemaps import FlatPageSitemap
from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from . import live
from .models import Article, Author, Label, Section
from .seo import last_modified

NEWS_WINDOW = timedelta(hours=48)


def _last_change():
    """When a published article last changed for readers: published, or edited after that."""
    return Greatest("publish_at", "updated_at")


def _latest_change(articles):
    """The newest change among these published articles, for a list page's lastmod."""
    return Subquery(
        articles.annotate(changed=_last_change()).order_by("-changed").values("changed")[:1]
    )


class HomeSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:home"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.get_latest_lastmod()

    def get_latest_lastmod(self):
        return (
            Article.objects.published()
            .annotate(changed=_last_change())
            .order_by("-changed")
            .values_list("changed", flat=True)
            .first()
        )


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().only("slug", "publish_at", "updated_at")

    def lastmod(self, article):
        return last_modified(article)

    def get_latest_lastmod(self):
        # Django's default runs lastmod() over every item; one query does it here.
        return HomeSitemap().get_latest_lastmod()


class ListPageSitemap(Sitemap):
    """Pages listing published articles (sections, tags, authors): only those with any."""

    model = None

    def articles_of(self, outer_ref):
        raise NotImplementedError

    def items(self):
        return (
            self.model.objects.annotate(changed=_latest_change(self.articles_of(OuterRef("pk"))))
            .filter(changed__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.changed

    def get_latest_lastmod(self):
        return self.items().order_by("-changed").values_list("changed", flat=True).first()


class SectionSitemap(ListPageSitemap):
    model = Section

    def articles_of(self, outer_ref):
        return Article.objects.published().filter(section=outer_ref)


class TagSitemap(ListPageSitemap):
    model = Tag

    def articles_of(self, outer_ref):
        return Article.objects.published().filter(tags=outer_ref)

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class AuthorSitemap(ListPageSitemap):
    model = Author

    def articles_of(self, outer_ref):
        return Article.objects.published().filter(authors=outer_ref)


class NewsSitemap(ArticleSitemap):
    """Google News: articles published in the last 48 hours, at most 1,000; never paid
    content, which Google News does not take as news."""

    limit = 1000

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(Q(publish_at__gte=since) | live.running())  # live pages while they run
            .exclude(label__schema_type=Label.SchemaType.SPONSORED)
            .only("headline", "slug", "publish_at", "updated_at")
        )


sitemaps = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "pages": FlatPageSitemap,
}
