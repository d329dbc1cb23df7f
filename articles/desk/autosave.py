"""Autosave: while the form is open its text is sent every few seconds and kept as the
writer's one rolling draft of the article (``Autosave``), never over the article. Reopening
the article offers the newer text back; a real save deletes it. A new article's form does
the same with ``article=None``: one unsaved new article per writer, offered back on the
next "Add article" form until it is saved or discarded."""

from django.conf import settings
from django.utils.translation import gettext as _

from ..fields import clean_html
from .models import Autosave

SECONDS = getattr(settings, "DESK_AUTOSAVE_SECONDS", 5)

# What an autosave keeps: every word the writer types on the form, with the longest value
# accepted (the model's, or 1 MB of body).
FIELDS = {
    "headline": 200,
    "slug": 200,
    "kicker": 60,
    "dek": 400,
    "dateline": 60,
    "tags": 1000,
    "body": 1_000_000,
    "seo_title": 70,
    "seo_description": 160,
    "social_title": 100,
    "social_description": 200,
}


class Refused(ValueError):
    pass


def clean(post):
    """The kept fields of a posted form; Refused with a message for what cannot be kept."""
    data = {}
    for name, limit in FIELDS.items():
        value = post.get(name)
        if value is None:
            continue
        if "\x00" in value:
            raise Refused(_("The text contains a NUL character and cannot be kept."))
        if len(value) > limit:
            raise Refused(_("The %(field)s is too long to keep.") % {"field": name})
        data[name] = clean_html(value) if name == "body" else value
    if not data:
        raise Refused(_("Nothing to keep."))
    return data


def keep(article, user, data, based_on):
    Autosave.objects.update_or_create(
        article=article, user=user, defaults={"data": data, "based_on": based_on[:40]}
    )


def offered(article, user):
    """The writer's autosave when it holds text the article does not, else None (for a new
    article, ``article=None``: when it holds any text)."""
    kept = Autosave.objects.filter(article=article, user=user).first()
    if kept is None:
        return None
    if article is None:
        return kept if any((value or "").strip() for value in kept.data.values()) else None
    current = {name: _current(article, name) for name in kept.data}
    if all((kept.data[name] or "") == (current[name] or "") for name in kept.data):
        return None
    return kept


def _current(article, name):
    if name == "tags":
        return ", ".join(sorted(article.tags.names()))
    return getattr(article, name, "")


def discard(article, user):
    Autosave.objects.filter(article=article, user=user).delete()
