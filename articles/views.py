from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from newsroom.cache import CachedCountPaginator

from . import listings, popularity, search
from .models import Article, Author, Section


class ArticleListMixin:
    """A paginated list of published articles under one heading (section, tag, author)."""

    paginate_by = settings.NEWSROOM_PAGE_SIZE
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginator_class = CachedCountPaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        listing = self.request.GET.copy()
        listing.pop(self.page_kwarg, None)  # every page of a listing shares its count
        count_key = f"{self.request.path}?{listing.urlencode()}"
        return super().get_paginator(queryset, per_page, count_key=count_key, **kwargs)

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(popular=popularity.popular(), **kwargs)


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **listings.front_page(), popular=popularity.popular(), **kwargs
        )


class SectionView(ArticleListMixin, ListView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.section.name, description=self.section.description, **kwargs
        )


class TagView(ArticleListMixin, ListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.tag.name, kicker="Tag", **kwargs)


class AuthorView(ArticleListMixin, ListView):
    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, heading=self.author.name, **kwargs)


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().select_related("section")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.path != self.object.get_absolute_url():
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **listings.article_page(self.object), popular=popularity.popular(), **kwargs
        )


class ArticlePreviewView(ArticleDetailView):
    """A draft or scheduled article exactly as readers will see it, for its editors only."""

    def get_queryset(self):
        return Article.objects.select_related("section")

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not article.can_be_previewed_by(self.request.user):
            raise Http404
        return article

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        response = self.render_to_response(self.get_context_data(object=self.object, preview=True))
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


@csrf_exempt
@require_POST
def count_view(request, pk):
    """The beacon sent after an article page loads; counts real readers, not bots."""
    if not Article.objects.published().filter(pk=pk).exists():
        return HttpResponseBadRequest("Unknown article.", content_type="text/plain")
    if not popularity.is_bot(request.headers.get("User-Agent", "")):
        popularity.record_view(pk)
    return HttpResponse(status=204)


class SearchView(ArticleListMixin, ListView):
    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = search.clean_query(self.request.GET.get("q", ""))
        return search.search(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        if not context["articles"]:
            context["latest"] = Article.objects.published().for_listing()[:6]
        return context
