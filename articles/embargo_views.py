"""The page an embargoed-preview link opens (articles/embargo.py)."""

from django.http import Http404
from django.shortcuts import render

from .embargo import PreviewView, find
from .views import ArticlePreviewView

PRIVATE = {
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
    # The address is the key: it is never sent on to a site the page links to.
    "Referrer-Policy": "no-referrer",
}


class EmbargoPreviewView(ArticlePreviewView):
    """The article as readers will see it, for the outsider a link names, logged each time."""

    def get(self, request, *args, **kwargs):
        self.link = find(kwargs["signed"])
        if self.link is None:
            raise Http404
        if not self.link.is_valid():
            response = render(request, "articles/embargo_gone.html", status=410)
        else:
            if request.method == "GET":  # a HEAD (a link checker) shows nobody the story
                PreviewView.objects.create(link=self.link)
            response = super().get(request, *args, **kwargs)
        for name, value in PRIVATE.items():
            response[name] = value
        return response

    def get_object(self, queryset=None):
        return self.get_queryset().get(pk=self.link.article_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(embargo_link=self.link, **kwargs)
