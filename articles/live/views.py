"""What readers' pages ask while live coverage runs: the poll, and an entry's permanent address."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from newsroom.cache import Fragments

from .. import renewal
from ..models import Article, LiveEntry
from . import page_number, updates

POLL_FIELDS = ("id", "status", "publish_at", "live_from", "live_until", "live_revision")


def live_article(pk):
    articles = Article.objects.published().filter(live_from__isnull=False)
    return get_object_or_404(articles.only(*POLL_FIELDS), pk=pk)


@require_safe
def poll(request, pk):
    """``?after=<entry id>``: are there newer entries? A small JSON answer, the same for
    every reader holding the same newest entry, so the page cache serves it; the live
    article's key renews it (articles/live/signals.py)."""
    after = request.GET.get("after", "0")
    if not after.isascii() or not after.isdigit() or len(after) > 18:
        response = JsonResponse({"error": _("“after” must be an entry number.")}, status=400)
        response["X-Robots-Tag"] = "noindex"
        return response
    Fragments.of(request).declare(renewal.article(pk))
    article = live_article(pk)
    response = JsonResponse(updates(article, int(after)))
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def entry(request, pk, entry):
    """An entry's permanent address: the page of the live article it is on, at its anchor
    (it moves to later pages as newer entries arrive)."""
    found = get_object_or_404(
        LiveEntry.objects.select_related("article"), pk=entry, article=live_article(pk)
    )
    number = page_number(found)
    url = found.article.get_absolute_url()
    query = f"?page={number}" if number > 1 else ""
    return redirect(f"{url}{query}#{found.anchor}")
