"""The body editor's helpers in the admin (static/js/prose_blocks.js calls them): a library
photo's card for the editor's thumbnail, the check of an address to embed, and the search
of published stories for a fact box's link. Each answers JSON to staff with the right to
edit articles, and shows nothing the user could not see in the admin already."""

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from . import body_blocks, embeds, images
from .models import Article, Image

RESULTS = 10


def _may_edit(user):
    return user.has_perm("articles.change_article") or user.has_perm("articles.add_article")


@staff_member_required
@require_safe
def photo_card(request, pk):
    photo = Image.objects.visible_to(request.user).filter(pk=pk).first()
    if photo is None or not _may_edit(request.user):
        raise Http404
    return JsonResponse(
        {
            "id": photo.pk,
            "title": photo.title,
            "alt": photo.alt,
            "caption": photo.caption,
            "credit": photo.credit,
            "thumbnail": images.thumbnail_url(photo),
        }
    )


@staff_member_required
@require_safe
def embed_check(request):
    if not _may_edit(request.user):
        raise Http404
    url = request.GET.get("url", "").strip()
    try:
        embeds.check_url(url)
    except ValidationError as error:
        return JsonResponse({"ok": False, "message": " ".join(error.messages)})
    return JsonResponse({"ok": True, "provider": embeds.provider_for(url).name})


@staff_member_required
@require_safe
def related_search(request):
    """Published stories whose headline holds the words typed (a fact box links only a
    story readers can open)."""
    if not _may_edit(request.user):
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    found = Article.objects.published().for_listing()
    for word in query.split()[:5]:
        found = found.filter(headline__icontains=word)
    results = [{"id": a.pk, "headline": a.headline} for a in found[:RESULTS]] if query else []
    return JsonResponse({"results": results})


class BodyPhotosInReach(forms.Form):
    """A body's photo and gallery blocks name only photos the user may use (the library's
    rule, Image.visible_to), whatever the browser sends: a number typed into a block's
    dialog would otherwise put a colleague's private photo in a story, its preview and its
    library page. Numbers the stored text had already pass (a photo deleted since shows
    nothing); any other number outside the user's reach is refused alike, whether or not
    a photo has it, so the refusal says nothing about what exists."""

    user = None  # set per request by the admin

    def clean_body(self):  # an article's
        return self.photos_in_reach("body")

    def clean_content(self):  # a flat page's
        return self.photos_in_reach("content")

    def photos_in_reach(self, field):
        body = self.cleaned_data.get(field) or ""
        before = set(body_blocks.image_ids(getattr(self.instance, field)))  # as stored
        # The blocks as they will be stored (the model field sanitises on save).
        wanted = [
            pk for pk in body_blocks.image_ids(body_blocks.sanitise(body)) if pk not in before
        ]
        if wanted and self.user is not None:
            allowed = set(
                Image.objects.visible_to(self.user)
                .filter(pk__in=wanted)
                .values_list("pk", flat=True)
            )
            refused = [str(pk) for pk in wanted if pk not in allowed]
            if refused:
                raise ValidationError(
                    ngettext(
                        "Photo %(numbers)s is not in your library: choose the photo from "
                        "the library, or upload it.",
                        "Photos %(numbers)s are not in your library: choose the photos "
                        "from the library, or upload them.",
                        len(refused),
                    )
                    % {"numbers": ", ".join(refused)}
                )
        return body
