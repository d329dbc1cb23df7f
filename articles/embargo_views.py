"""The page an embargoed-preview link opens (articles/embargo.py)."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from . import images
from .embargo import PreviewView, find
from .models import Image
from .views import ArticlePreviewView, private_file

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
            # The story's photos may be private still: they come through the link too.
            with images.private_files_through("articles:embargo_image", signed=kwargs["signed"]):
                response = super().get(request, *args, **kwargs)
                response.render()
        for name, value in PRIVATE.items():
            response[name] = value
        return response

    def get_object(self, queryset=None):
        return self.get_queryset().get(pk=self.link.article_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(embargo_link=self.link, **kwargs)


@require_safe
def embargo_image(request, signed, pk, name):
    """A private file of a photo the linked story shows (lead photo, body, live entries), for
    as long as the link is valid; any other photo does not exist here."""
    link = find(signed)
    if link is None or not link.is_valid():
        raise Http404
    article = link.article_id
    shown = Image.objects.filter(Q(lead_for=article) | Q(body_uses__article=article))
    response = private_file(get_object_or_404(shown.distinct(), pk=pk), name)
    for header, value in PRIVATE.items():
        response[header] = value
    return response
