"""Tags as readers and editors meet them: which are public, and merging two into one."""

from django.db import transaction
from taggit.models import Tag

from .models import Article, TaggedArticle


def public_tags():
    """Tags with at least one published article: the only ones with a page, a feed or a
    sitemap entry. A tag typed on a draft reveals nothing until the draft runs."""
    live = TaggedArticle.objects.filter(content_object__in=Article.objects.published())
    return Tag.objects.filter(pk__in=live.values("tag_id"))


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
