"""Tags as readers and editors meet them: which are public, and merging two into one."""

from django import forms
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from taggit.forms import TagField
from taggit.managers import TaggableManager
from taggit.models import Tag

from .models import PUBLISH_PERMISSION, Article, TaggedArticle

SUGGESTIONS = 10
MOST_TAGS = 50  # on one story or photo


class BoundedTagField(TagField):
    """The tags typed in a form (comma-separated): each no longer than a tag may be, and at
    most MOST_TAGS of them. Refused with a message, the text kept; without it, a long name
    was saved whole on SQLite and was a 500 on PostgreSQL."""

    def clean(self, value):
        longest = Tag._meta.get_field("name").max_length
        if value and len(value) > MOST_TAGS * (longest + 2):  # not worth splitting
            raise forms.ValidationError(_("That is more text than tags can hold."))
        names = super().clean(value)
        too_long = [name for name in names if len(name) > longest]
        if too_long:
            raise forms.ValidationError(
                _("A tag has at most %(most)d characters: “%(start)s…” has %(length)d.")
                % {"most": longest, "start": too_long[0][:30], "length": len(too_long[0])}
            )
        if len(names) > MOST_TAGS:
            raise forms.ValidationError(
                ngettext_lazy(
                    "At most %(most)d tag, please (%(count)d typed).",
                    "At most %(most)d tags, please (%(count)d typed).",
                    MOST_TAGS,
                )
                % {"most": MOST_TAGS, "count": len(names)}
            )
        return names


# For an admin's formfield_overrides.
BOUNDED_TAGS = {TaggableManager: {"form_class": BoundedTagField}}


def public_tags():
    """Tags with at least one published article: the only ones with a page, a feed or a
    sitemap entry. A tag typed on a draft reveals nothing until the draft runs."""
    live = TaggedArticle.objects.filter(content_object__in=Article.objects.published())
    return Tag.objects.filter(pk__in=live.values("tag_id"))


def known_to(user):
    """The tags a staff member may be offered: every tag for editors; for reporters those
    on live articles and on articles they may open. A tag typed on a colleague's unpublished
    story (a merger, a name) is not offered to them: it would give the story away."""
    if user.has_perm(PUBLISH_PERMISSION):
        return Tag.objects.all()
    theirs = TaggedArticle.objects.filter(
        Q(content_object__in=Article.objects.published())
        | Q(content_object__in=Article.objects.editable_by(user))
    )
    return Tag.objects.filter(pk__in=theirs.values("tag_id"))


def suggestions(user, term, limit=SUGGESTIONS):
    """Up to ``limit`` tag names for what is being typed: those starting with it first, then
    those containing it, the most used first within each."""
    term = " ".join(term.split())[:100]
    if not term:
        return []
    tags = known_to(user).annotate(uses=Count("articles_taggedarticle_items", distinct=True))
    found = []
    for lookup in ("name__istartswith", "name__icontains"):
        more = (
            tags.filter(**{lookup: term})
            .exclude(pk__in=[tag.pk for tag in found])
            .order_by("-uses", "name")[: limit - len(found)]
        )
        found += list(more)
        if len(found) >= limit:
            break
    return [tag.name for tag in found]


def merge_tags(into, others):
    """Move every article of `others` to `into` and delete `others`. Through the articles'
    own tag manager, so search and caches follow as for any tag edit."""
    from .redirects import list_moved

    others = [tag for tag in others if tag.pk != into.pk]
    # The pages readers could open lead to the kept tag's; a tag only drafts carried had none.
    had_pages = public_tags().filter(pk__in=[tag.pk for tag in others])
    moved = list(had_pages.values_list("slug", flat=True))
    with transaction.atomic():
        for tag in others:
            for article in Article.objects.filter(tags=tag):
                article.tags.add(into)
                article.tags.remove(tag)
            tag.delete()
        for slug in moved:
            list_moved(Tag, slug, into.slug)
    return len(others)
