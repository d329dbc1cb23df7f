from django.urls import path, re_path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/live/", views.search_live, name="search_live"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("views/<int:pk>/", views.count_view, name="count_view"),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-\w]+)/$",
        views.ArticleDetailView.as_view(),
        name="article",
    ),
]
