"""Tags as readers and editors meet them: which are public, and merging two into one."""

from django.db import transaction
from django.db.models import Count, Q
from taggit.models import Tag

from .models import PUBLISH_PERMISSION, Article, TaggedArticle

SUGGESTIONS = 10


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
    others = [tag for tag in others if tag.pk != into.pk]
    with transaction.atomic():
        for tag in others:
            for article in Article.objects.filter(tags=tag):
                article.tags.add(into)
                article.tags.remove(tag)
            tag.delete()
    return len(others)
