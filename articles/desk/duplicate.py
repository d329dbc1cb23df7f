"""“Duplicate as a new draft”: a copy of an article to rework (a follow-up, another
language, a version for another section), never public until it is published itself."""

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .. import bylines
from ..models import Article, Author
from . import revisions


def _free_slug(base):
    base = slugify(base)[:180] or "draft"
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, n = f"{base}-copy", 2
    while candidate in taken:
        candidate, n = f"{base}-copy-{n}", n + 1
    return candidate


def as_draft(source, user):
    """A draft with the source's words, placement, photo, tags and bylines, created by
    ``user`` (whose own byline it carries when the source's has none of theirs)."""
    with transaction.atomic():
        copy = Article(
            headline=_("Copy of %(headline)s") % {"headline": source.headline},
            slug=_free_slug(source.slug),
            dek=source.dek,
            body=source.body,
            section_id=source.section_id,
            label_id=source.label_id,
            dateline=source.dateline,
            lead_image_id=source.lead_image_id,
            comments_open=source.comments_open,
            status=Article.Status.DRAFT,
            created_by=user,
        )
        copy.headline = copy.headline[:200]
        copy._history_user = user
        authors = bylines.ordered(source) or list(Author.objects.filter(user=user))
        with revisions.one_revision(copy):  # created with its byline: one revision
            copy.save()
            bylines.arrange(copy, authors)
        copy.tags.set(list(source.tags.all()))
    return copy
