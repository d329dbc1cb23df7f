"""Autosave: while the form is open its text is sent every few seconds and kept as the
writer's one rolling draft of the article (``Autosave``), never over the article. Reopening
the article offers the newer text back; a real save deletes it. A new article's form does
the same with ``article=None``: one unsaved new article per writer, offered back on the
next "Add article" form until it is saved or discarded."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from newsroom.widgets import names_a_row

from .. import bylines
from ..fields import clean_html
from ..models import Author, Image, Label, Section
from . import diff
from .models import Autosave

SECONDS = getattr(settings, "DESK_AUTOSAVE_SECONDS", 5)

# What an autosave keeps: every word the writer types on the form, with the longest value
# accepted (the model's, the form's, or 1 MB of body).
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
    # Typed beside a new upload of the lead photo (whose file is not kept).
    "image_alt": 300,
    "image_caption": 300,
    "image_credit": 200,
}
# And what the writer chose, by its id: the section, the label, the lead photo from the
# library; and the byline, its authors' ids in their order ("4,1,9").
CHOSEN = {"section": Section, "label": Label, "lead_image": Image}
BYLINE = "authors"
MOST_AUTHORS = 50
UPLOAD_WORDS = ("image_alt", "image_caption", "image_credit")
# Shown beside the words when the kept draft differs from the article in them.
MORE = [
    ("section", _lazy("Section")),
    ("label", _lazy("Label")),
    (BYLINE, _lazy("Byline")),
    ("lead_image", _lazy("Lead photo")),
    ("image_alt", _lazy("Alt text of the new photo")),
    ("image_caption", _lazy("Caption of the new photo")),
    ("image_credit", _lazy("Credit of the new photo")),
]


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
    for name, model in CHOSEN.items():
        value = (post.get(name) or "").strip()
        # An id that names no row (letters typed into the photo's box) is left out, not
        # refused: the words around it are kept all the same.
        if name in post and (not value or names_a_row(model._meta.pk, value)):
            data[name] = value
    if BYLINE in post:
        # Ids that name no author are left out (as above); the order is the byline's.
        wanted = [pk for pk in post.getlist(BYLINE)[:MOST_AUTHORS] if pk.strip().isdigit()]
        found = set(Author.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        data[BYLINE] = ",".join(dict.fromkeys(pk.strip() for pk in wanted if int(pk) in found))
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
    if article is None:  # (the byline is filled in beforehand with the writer's own)
        typed = (value for name, value in kept.data.items() if name != BYLINE)
        return kept if any((value or "").strip() for value in typed) else None
    data = _still_usable(kept, user)
    if all((data[name] or "") == (_current(article, name) or "") for name in data):
        return None
    return kept


def _current(article, name):
    if name == "tags":
        return ", ".join(sorted(article.tags.names()))
    if name in CHOSEN:
        return str(getattr(article, f"{name}_id") or "")
    if name == BYLINE:
        return ",".join(str(author.pk) for author in bylines.ordered(article))
    return getattr(article, name, "")  # the new photo's words: none on a saved article


def _still_usable(kept, user):
    """The kept draft without what is gone since: a section or label deleted, a photo this
    user may no longer use (the form keeps what it has), an author deleted."""
    data = dict(kept.data)
    for name, model in CHOSEN.items():
        if not data.get(name):
            continue
        found = Image.objects.visible_to(user) if model is Image else model.objects
        if not found.filter(pk=data[name]).exists():
            del data[name]
    if BYLINE in data:
        wanted = [int(pk) for pk in data[BYLINE].split(",") if pk]
        found = set(Author.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        data[BYLINE] = ",".join(str(pk) for pk in wanted if pk in found)
    return data


def restorable(kept, user):
    """The kept draft as the form's initial values (the byline: its authors' ids, in order)."""
    data = _still_usable(kept, user)
    if BYLINE in data:
        data[BYLINE] = [int(pk) for pk in data[BYLINE].split(",") if pk]
    return data


def loses_an_upload(kept):
    """True when the writer had typed a new photo's words: its file must be chosen again."""
    return any((kept.data.get(name) or "").strip() for name in UPLOAD_WORDS)


def differences(article, kept, user):
    """The kept draft against the article (a new one's: against nothing), field by field:
    the words, then the choices and the new photo's words wherever they differ."""
    if article is None:
        words = diff.compare(dict.fromkeys(kept.data, ""), kept.data)
        before = dict.fromkeys((name for name, _label in MORE), "")
    else:
        words = diff.compare(diff.values_of(article), kept.data)
        before = {name: _current(article, name) for name, _label in MORE}
    # A photo this user may no longer use is neither restored nor named.
    after = {**before, **{k: v for k, v in _still_usable(kept, user).items() if k in before}}
    before, after = _readable(before), _readable(after)
    fields = [(name, label) for name, label in MORE if before[name] != after[name]]
    return words + diff.compare(before, after, fields=fields)


def _readable(values):
    """The chosen ids as an editor reads them: the section's name, the photo's title."""
    readable = dict(values)
    for name, model in CHOSEN.items():
        if values.get(name):
            field = "title" if model is Image else "name"
            found = model.objects.filter(pk=values[name]).values_list(field, flat=True).first()
            readable[name] = found or ""
    if values.get(BYLINE):
        pks = [int(pk) for pk in values[BYLINE].split(",") if pk]
        names = dict(Author.objects.filter(pk__in=pks).values_list("pk", "name"))
        readable[BYLINE] = ", ".join(names[pk] for pk in pks if pk in names)
    return readable


def discard(article, user):
    Autosave.objects.filter(article=article, user=user).delete()
