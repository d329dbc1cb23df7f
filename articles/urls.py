from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path, register_converter

from . import corrections_views, embargo_views, feeds, views
from .sitemaps import NewsSitemap, sitemaps

app_name = "articles"


class UnicodeSlugConverter:
    """A tag's slug keeps the letters of its name in any script (taggit slugifies with
    allow_unicode: "سياسة", "économie"), which Django's ``slug`` converter refuses."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="atom_feed"),
    path("section/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("tag/<uslug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("author/<slug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path(
        "news-sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="news_sitemap",
    ),
    path("corrections/", corrections_views.CorrectionListView.as_view(), name="corrections"),
    path("corrections/feed/", corrections_views.CorrectionsFeed(), name="corrections_feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/live/", views.search_live, name="search_live"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path(
        "embargo/<str:signed>/",
        embargo_views.EmbargoPreviewView.as_view(),
        name="embargo_preview",
    ),
    path(
        "embargo/<str:signed>/images/<int:pk>/<path:name>",
        embargo_views.embargo_image,
        name="embargo_image",
    ),
    path("preview/images/<int:pk>/<path:name>", views.private_image, name="private_image"),
    path("preview/kept/<str:token>/", views.kept_image, name="kept_image"),
    path("views/<int:pk>/", views.count_view, name="count_view"),
    path("", include("articles.live.urls")),  # live coverage
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-\w]+)/$",
        views.ArticleDetailView.as_view(),
        name="article",
    ),
]
