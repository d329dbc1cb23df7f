import mimetypes

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from newsroom import paging
from newsroom.cache import CachedCountPaginator, Fragments
from newsroom.media import PRIVATE_PREFIX

from . import (
    curation,
    extensions,
    images,
    kept_uploads,
    page_data,
    popularity,
    renewal,
    search,
    seo,
    wordpress_urls,
)
from .forms import SearchForm
from .live import seo as live_seo
from .models import Article, Author, Byline, Image, Section, TaggedArticle

LIVE_RESULTS = 5


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
        return super().get_paginator(
            queryset,
            per_page,
            count_key=count_key,
            fragments=Fragments.of(self.request),
            keys=self.cache_keys()[:1],
            counter=self.count_articles,
            **kwargs,
        )

    count_articles = None  # or a method: the list's count, found a cheaper way

    def paginate_queryset(self, queryset, page_size):
        self.kwargs[self.page_kwarg] = paging.page_number(self.request.GET.get(self.page_kwarg))
        return super().paginate_queryset(queryset, page_size)

    def get_queryset(self):
        return extensions.annotate_listing(Article.objects.published().for_listing())

    def cache_keys(self):
        """The keys of what the page shows besides its cards (articles.renewal): its list
        first. None (search): every content change renews it."""
        return []

    def get_context_data(self, **kwargs):
        if keys := self.cache_keys():
            Fragments.of(self.request).declare(*keys)
        context = super().get_context_data(**kwargs)
        context["meta"] = self.get_meta(context["page_obj"])
        return context

    def get_meta(self, page_obj):
        raise NotImplementedError


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get(self, request, *args, **kwargs):
        if wordpress_urls.is_legacy_address(request):
            return wordpress_urls.redirect(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        Fragments.of(self.request).declare(renewal.HOME)
        return super().get_context_data(
            **page_data.front_page_lazily(),
            meta=seo.home_meta(self.request),
            **kwargs,
        )


class SectionView(ArticleListMixin, ListView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        # The editors' picks lead the first page and are not repeated in the list.
        self.curated = curation.picks(self.section)
        return (
            super()
            .get_queryset()
            .filter(section=self.section)
            .exclude(pk__in=[article.pk for article in self.curated])
        )

    def cache_keys(self):
        return [renewal.section_listing(self.section.pk), renewal.section(self.section.pk)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.section.name,
            description=self.section.description,
            curated=self.curated,
            **kwargs,
        )

    def get_meta(self, page_obj):
        return seo.section_meta(self.request, self.section, page_obj)


class TagView(ArticleListMixin, ListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def cache_keys(self):
        return [renewal.tag_listing(self.tag.pk), renewal.tag(self.tag.pk)]

    def count_articles(self):
        return page_data.published_count(
            TaggedArticle.objects.filter(tag=self.tag), "content_object"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(heading=self.tag.name, kicker=_("Tag"), **kwargs)
        if not context["paginator"].count:  # kept with the list: no query of its own
            raise Http404  # a tag with no live story has no page (tags.public_tags())
        return context

    def get_meta(self, page_obj):
        return seo.tag_meta(self.request, self.tag, page_obj)


class AuthorView(ArticleListMixin, ListView):
    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(authors=self.author)

    def cache_keys(self):
        return [renewal.author_listing(self.author.pk), renewal.author(self.author.pk)]

    def count_articles(self):
        return page_data.published_count(Byline.objects.filter(author=self.author), "article")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(author=self.author, heading=self.author.name, **kwargs)
        if not context["paginator"].count:  # kept with the list: no query of its own
            raise Http404  # an author with no live story has no page (bylines.public_authors())
        return context

    def get_meta(self, page_obj):
        return seo.author_meta(self.request, self.author, page_obj)


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().select_related("section", "lead_image", "label")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # The path arrives decoded, the address is percent-encoded (a non-Latin slug).
        if escape_uri_path(request.path) != self.object.get_absolute_url():
            return redirect(self.object, permanent=True)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if extensions.is_private_article_request(request):  # e.g. a poster's own comment
            response["Cache-Control"] = "private, no-store"
        return response

    def get_context_data(self, **kwargs):
        lists = page_data.article_page(self.object)
        Fragments.of(self.request).declare(
            *renewal.article_page_keys(self.object, lists["tags"], lists["authors"]),
            *lists["body_keys"],
        )
        context = super().get_context_data(
            **lists,
            **extensions.article_page_parts(self.request, self.object),
            **kwargs,
        )
        context["meta"] = seo.article_meta(
            self.request, self.object, authors=context["authors"], tags=context["tags"]
        )
        if "live" in context:  # live coverage (articles/live/): LiveBlogPosting, its feed
            live_seo.describe(self.request, context["meta"], context["live"])
        return context


class ArticlePreviewView(ArticleDetailView):
    """A draft or scheduled article exactly as readers will see it, for its editors only."""

    def get_queryset(self):
        return Article.objects.select_related("section", "lead_image", "label")

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not article.can_be_opened_by(self.request.user):
            raise Http404
        return article

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        context = self.get_context_data(object=self.object, preview=True)
        # Not a page of the site yet: no canonical address (it would be this preview's),
        # and no share links on the page.
        context["meta"].noindex = True
        context["meta"].canonical = ""
        response = self.render_to_response(context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


@require_safe
def private_image(request, pk, name):
    """A file of a library photo no published article uses, for the people who may see it
    (its uploader, editors, the reporters of an article that uses it: Image.visible_to).

    Its files are under the private prefix, which no public address serves (see
    articles/image_files.py); everyone else is told it does not exist.
    """
    user = request.user
    if not (user.is_active and user.is_staff):
        raise Http404
    return private_file(get_object_or_404(Image.objects.visible_to(user), pk=pk), name)


def private_file(image, name):
    """One of the image's private files (``name`` under the private prefix), not kept by
    any cache; a 404 for a name that is not one of its files."""
    stored = PRIVATE_PREFIX + name
    if stored not in images.stored_names(image):
        raise Http404
    try:
        file = image.file.storage.open(stored, "rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(file, content_type=mimetypes.guess_type(stored)[0])
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def kept_image(request, token):
    """The thumbnail of a photo kept across a form error, for the user who uploaded it."""
    try:  # OSError: the storage does not answer (newsroom.storage.StorageUnavailable)
        kept = kept_uploads.find(token, request.user) if request.user.is_staff else None
        if kept is None:
            raise Http404
        file = kept_uploads.thumbnail(kept)
    except OSError:
        raise Http404 from None
    response = FileResponse(file, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # sent from cached pages; articles.popularity checks where it comes from
@require_POST
def count_view(request, pk):
    """The beacon sent after an article page loads. The answer is the same whether the view
    was counted or not (see articles.popularity), so it tells a script nothing."""
    popularity.count_beacon(request, pk)
    return HttpResponse(status=204)


class SearchView(ArticleListMixin, ListView):
    """Ranked results; with none, a "No Result" page that offers the latest and the sections."""

    template_name = "articles/search.html"
    context_object_name = "results"

    def get_queryset(self):
        self.form = SearchForm(self.request.GET)
        return self.form.results()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, query=self.form.query, **kwargs)
        if not context["results"]:
            context["latest"] = Article.objects.published().for_listing()[:4]
        return context

    def get_meta(self, page_obj):
        return seo.search_meta(self.request, self.form.query, page_obj)

    def render_to_response(self, context, **response_kwargs):
        if self.form.errors:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


def search_live(request):
    """The header's live results: a small HTML fragment with the top few hits."""
    query = search.clean_query(request.GET.get("q", ""))
    hits = search.search(query, snippets=False)[:LIVE_RESULTS]
    response = render(request, "articles/search_live.html", {"hits": hits, "query": query})
    response["X-Robots-Tag"] = "noindex"
    return response
