"""Posting comments. The rules live in comments.moderation; these views only wire them up.

None of these responses may be cached or set a cookie: they are per visitor by nature.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from articles.models import Article

from . import moderation, receipts, threads
from .forms import CommentForm


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _form_page(request, article, form, *, status=200, parent=None, notice=""):
    """The comment form on a page of its own: the no-JS reply page and every re-rendered form."""
    context = {
        "article": article,
        "form": form,
        "parent": parent,
        "notice": notice,
        "token": moderation.new_form_token(),
    }
    return _private(render(request, "comments/form_page.html", context, status=status))


def _refusal(request, article, message, *, status):
    context = {"article": article, "message": message}
    return _private(render(request, "comments/refused.html", context, status=status))


def _closed(request, article):
    return _refusal(request, article, _("Comments are closed on this article."), status=403)


def _published_article(pk):
    return get_object_or_404(Article.objects.published().select_related("section"), pk=pk)


@require_safe
def token_view(request):
    """A fresh signed form timestamp, fetched by comments.js as the article page loads."""
    return _private(JsonResponse({"token": moderation.new_form_token()}))


def _answerable(article, parent_pk):
    """The public comment of this article numbered ``parent_pk`` that can take a reply, or
    None."""
    if not (parent_pk.isascii() and parent_pk.isdigit()) or len(parent_pk) > 18:
        return None
    parent = threads.public_comments(article).filter(pk=parent_pk).first()
    return parent if parent is not None and moderation.can_take_reply(parent) else None


@require_safe
def reply_view(request, article_pk):
    """The form on its own page, replying to ?parent=<id>: what "Reply" does without JavaScript."""
    article = _published_article(article_pk)
    if not moderation.comments_are_open(article):
        return _closed(request, article)
    parent_pk = request.GET.get("parent", "")
    parent = _answerable(article, parent_pk)
    if parent_pk and parent is None:
        raise Http404
    form = CommentForm(article, initial={"parent": parent.pk if parent else None})
    return _form_page(request, article, form, parent=parent)


@csrf_exempt  # article pages are cached whole: see comments.moderation for the defences
@require_POST
def post_view(request, article_pk):
    if not moderation.is_same_origin(request):
        return _refusal(
            request, None, _("Comments can only be sent from this site's pages."), status=403
        )
    article = _published_article(article_pk)
    if not moderation.comments_are_open(article):
        return _closed(request, article)
    fingerprint = moderation.client_fingerprint(request)
    if moderation.is_rate_limited(fingerprint):
        kept = CommentForm(article, initial=request.POST.dict())
        notice = _(
            "You have sent a lot of comments in a short time. Please wait a few minutes, "
            "then send your comment again: it is kept below."
        )
        parent = _answerable(article, request.POST.get("parent", ""))
        response = _form_page(request, article, kept, status=429, notice=notice, parent=parent)
        response["Retry-After"] = str(settings.NEWSROOM_COMMENT_RATE_PERIOD)
        return response
    form = CommentForm(article, request.POST)
    if form.is_bot():
        return HttpResponseSeeOther(article.get_absolute_url())
    if not form.is_valid():
        if "parent" in form.errors:
            form = form.without_parent()
        parent = form.cleaned_data.get("parent")
        return _form_page(request, article, form, status=400, parent=parent)
    earlier = form.hidden_duplicate()
    if earlier is not None:
        # Sent twice (a double click, the back button): answered as the first time, and
        # only one copy kept. Nothing in the answer says what became of the first one.
        return HttpResponseSeeOther(receipts.url_for(earlier))
    comment = moderation.submit(
        form.save(commit=False),
        token_age=form.cleaned_data["token_age"],
        fingerprint=fingerprint,
        user_agent=request.headers.get("User-Agent", ""),
        request=request,
    )
    return HttpResponseSeeOther(receipts.url_for(comment))
