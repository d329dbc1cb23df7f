"""The article admin's part of the desk: presence (who else has the form open), taking an
article over, and the form's version token. Mixed into ArticleAdmin."""

from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from ..models import PUBLISH_PERMISSION, Article
from . import presence

# How long a "may open this article" answer is reused by the poll: the poll then costs the
# database only the session and the user, whatever the article.
ACCESS_SECONDS = 60


class DeskAdmin:
    def get_urls(self):
        def view(func, name):
            return path(
                f"<path:object_id>/desk/{name}/",
                self.admin_site.admin_view(func),
                name=f"articles_article_desk_{name.replace('-', '_')}",
            )

        return [
            view(self.desk_presence_view, "presence"),
            view(self.desk_leave_view, "leave"),
            view(self.desk_take_over_view, "take-over"),
            *super().get_urls(),
        ]

    def _desk_article_pk(self, request, object_id):
        """The article's pk when this user may edit it, else 404 (never a hint it exists)."""
        try:
            pk = int(unquote(object_id))
        except (TypeError, ValueError):
            raise Http404 from None
        key = f"desk:may:{pk}:{request.user.pk}"
        if cache.get(key):
            return pk
        obj = Article.objects.filter(pk=pk).only("pk", "status", "created_by").first()
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404
        cache.set(key, True, ACCESS_SECONDS)
        return pk

    def desk_presence_view(self, request, object_id):
        pk = self._desk_article_pk(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return JsonResponse(presence.beat(pk, request.user).as_json())

    def desk_leave_view(self, request, object_id):
        pk = self._desk_article_pk(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        presence.leave(pk, request.user)
        return JsonResponse({"left": True})

    def desk_take_over_view(self, request, object_id):
        pk = self._desk_article_pk(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(PUBLISH_PERMISSION):
            return JsonResponse({"error": _("Only editors can take over an article.")}, status=403)
        return JsonResponse(presence.take_over(pk, request.user).as_json())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.has_change_permission(request, obj):
            context["desk"] = {
                "state": presence.beat(obj.pk, request.user),
                "poll_seconds": presence.POLL_SECONDS,
                "may_take_over": request.user.has_perm(PUBLISH_PERMISSION),
                "presence_url": reverse("admin:articles_article_desk_presence", args=[obj.pk]),
                "leave_url": reverse("admin:articles_article_desk_leave", args=[obj.pk]),
                "take_over_url": reverse("admin:articles_article_desk_take_over", args=[obj.pk]),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)
