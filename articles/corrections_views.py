"""The public record of corrections and updates: /corrections/ (newest first, paginated) and
its feed. Only notices on published articles are listed (the one publishing rule)."""

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.generic import ListView

from newsroom.cache import Fragments

from . import renewal, seo
from .corrections import Notice
from .feeds import LatestArticlesFeed

FEED_LENGTH = 30


def public_notices():
    return Notice.objects.public().select_related("article", "article__section")


class CorrectionListView(ListView):
    template_name = "articles/correction_list.html"
    context_object_name = "notices"
    paginate_by = 20

    def get_queryset(self):
        return public_notices()

    def get_context_data(self, **kwargs):
        Fragments.of(self.request).declare(renewal.CORRECTIONS)
        context = super().get_context_data(**kwargs)
        title = _("Corrections and updates")
        meta = seo.list_meta(
            self.request,
            title=title,
            description=_("Every correction, clarification and update to our stories."),
            path=reverse("articles:corrections"),
            page_obj=context["page_obj"],
            feed=seo.FeedLink(
                _("%(site)s: corrections") % {"site": settings.NEWSROOM_SITE_NAME},
                reverse("articles:corrections_feed"),
            ),
        )
        return {**context, "heading": title, "meta": meta}


class CorrectionsFeed(LatestArticlesFeed):
    """The latest corrections and updates, each linking to its place in the story."""

    def title(self, obj):
        return _("%(site)s: corrections") % {"site": settings.NEWSROOM_SITE_NAME}

    def link(self, obj):
        return reverse("articles:corrections")

    def description(self, obj):
        return _("Corrections, clarifications and updates to our stories.")

    def items(self, obj):
        return public_notices()[:FEED_LENGTH]

    # Text, escaped once more as the article feeds do (RSS readers take it as HTML).
    def item_title(self, notice):
        title = _("%(kind)s: %(headline)s") % {
            "kind": notice.get_kind_display(),
            "headline": notice.article.headline,
        }
        return escape(title)

    def item_description(self, notice):
        return escape(notice.text)

    def item_link(self, notice):
        return notice.get_absolute_url()

    def item_guid(self, notice):
        return f"notice-{notice.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, notice):
        return None

    def item_categories(self, notice):
        return [notice.get_kind_display()]

    def item_pubdate(self, notice):
        return notice.noted_at

    def item_updateddate(self, notice):
        return notice.noted_at

    def item_enclosures(self, notice):
        return []

    def item_extra_kwargs(self, notice):
        return {"media": None}
