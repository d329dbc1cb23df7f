"""Revisions compared and restored. A restore writes the chosen revision's words and
placement as a new revision, by the person restoring and within their rights: the state of
the article (draft, in review, published, its publish time) and its address never change by
a restore, so a reporter cannot turn a live story into another state through history."""

from collections import Counter
from dataclasses import dataclass, replace

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from newsroom.history_admin import PlainValues

from .. import bylines
from ..body_blocks import PLACEHOLDER
from ..models import Author, Image, Label, Section
from . import diff, revisions

RESTORED_FIELDS = [
    "headline",
    "kicker",
    "dek",
    "body",
    "dateline",
    "seo_title",
    "seo_description",
    "social_title",
    "social_description",
    "comments_open",
]


def label(record):
    who = record.history_user
    name = (who.get_full_name() or who.get_username()) if who else _("someone")
    when = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M:%S")
    return f"{when} — {name} — {record.headline[:80]}"


# What a restore brings back besides the words (restore() below), compared as text.
PLACEMENT = [
    ("dateline", _lazy("Dateline")),
    ("section", _lazy("Section")),
    ("label", _lazy("Label")),
    ("lead_image", _lazy("Lead photo")),
    ("authors", _lazy("Byline")),
    ("comments_open", _lazy("Comments open")),
]


def placement_of(record):
    """A revision's placement as the words an editor reads (a deleted section: its number)."""

    def name_of(model, pk, field="name"):
        if pk is None:
            return ""
        return model.objects.filter(pk=pk).values_list(field, flat=True).first() or f"#{pk}"

    ids = list(
        record.authors.order_by("position", "author__name", "author_id").values_list(
            "author_id", flat=True
        )
    )
    names = Author.objects.in_bulk(ids)
    return {
        "dateline": record.dateline,
        "section": name_of(Section, record.section_id),
        "label": name_of(Label, record.label_id),
        "lead_image": name_of(Image, record.lead_image_id, "title"),
        "authors": ", ".join(names[pk].name if pk in names else f"#{pk}" for pk in ids),
        "comments_open": _("yes") if record.comments_open else _("no"),
    }


def as_read(record):
    """What the comparison reads of a revision: each of its fields as text."""
    values, placement = diff.values_of(record), placement_of(record)
    return [diff.as_text(name, value) for name, value in values.items()] + [
        diff.as_text(name, placement.get(name)) for name, _label in PLACEMENT
    ]


def last_change(records, look_back):
    """The newest revision and the latest one before it, among ``look_back``, that reads
    differently (a save that changed nothing writes a revision too); else the one before."""
    newer = records[0]
    shown = as_read(newer)
    older = next((r for r in records[1:look_back] if as_read(r) != shown), records[1])
    return older, newer


def compare(older, newer):
    """Everything a restore of ``older`` over ``newer`` would change: words, then placement."""
    return diff.compare(diff.values_of(older), diff.values_of(newer)) + diff.compare(
        placement_of(older), placement_of(newer), fields=PLACEMENT
    )


@dataclass
class Restored:
    skipped: list  # what the revision named that is gone, or a photo this user may not use
    byline_kept: bool  # it names nobody: a restore never takes a story's byline off


def restore(article, record, user):
    """Write ``record``'s text and placement onto ``article`` as one new revision by ``user``
    (who has been found allowed to change it)."""
    skipped = []
    for name in RESTORED_FIELDS:
        setattr(article, name, getattr(record, name))
    if Section.objects.filter(pk=record.section_id).exists():
        article.section_id = record.section_id
    else:
        skipped.append(_("section"))
    if record.label_id is None or Label.objects.filter(pk=record.label_id).exists():
        article.label_id = record.label_id
    else:
        skipped.append(_("label"))
    if record.lead_image_id is None or (
        Image.objects.visible_to(user).filter(pk=record.lead_image_id).exists()
    ):
        article.lead_image_id = record.lead_image_id
    else:
        skipped.append(_("lead photo"))
    article._history_user = user
    article._change_reason = _("Restored from the revision of %(when)s") % {
        "when": timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M:%S")
    }
    byline_kept = keeps_byline(article, record)
    with revisions.one_revision(article):
        article.save()
        if not byline_kept:
            bylines.arrange(article, byline_of(record))
    return Restored(skipped, byline_kept)


BYLINE_KEPT = _lazy(
    "The byline stays as it is: that revision names nobody, and a restore never leaves a "
    "story unsigned."
)


def keeps_byline(article, record):
    """True when restoring ``record`` keeps the article's byline rather than empty it: a
    revision that names nobody (a story's first, written before its byline was, when a save
    was two revisions; or its authors deleted since) never takes a byline off."""
    return not byline_of(record) and article.bylines.exists()


def byline_of(record):
    """The ids of the authors ``record`` names who still exist, in its order (revisions from
    before bylines had an order: by name)."""
    kept = record.authors.order_by("position", "author__name", "author_id")
    existing = set(
        Author.objects.filter(pk__in=kept.values("author_id")).values_list("pk", flat=True)
    )
    return [pk for pk in kept.values_list("author_id", flat=True) if pk in existing]


class ChangesInWords(PlainValues):
    """The list of versions (History): the body's change in words with its blocks named as
    the comparison names them, and each block a save removed or added said in so many words
    (a save that only took a photo out would otherwise read the same before and after)."""

    def context_for_delta_changes(self, delta):
        context = []
        for change in delta.changes:
            if change.field != "body":
                context += super().context_for_delta_changes(replace(delta, changes=[change]))
                continue
            blocks = self._blocks_changed(change)
            words_same = diff.as_text("body", _without_blocks(change.old)) == diff.as_text(
                "body", _without_blocks(change.new)
            )
            if not (blocks and words_same):
                context += super().context_for_delta_changes(replace(delta, changes=[change]))
            context += blocks
        return context

    def prepare_delta_change_value(self, change, value):
        if change.field == "body":
            return diff.as_text("body", value)
        return super().prepare_delta_change_value(change, value)

    def _blocks_changed(self, change):
        label = capfirst(self.model._meta.get_field("body").verbose_name)
        old, new = Counter(diff.blocks_of(change.old)), Counter(diff.blocks_of(change.new))
        removed = [_("%(block)s removed") % {"block": block} for block in (old - new).elements()]
        added = [_("%(block)s added") % {"block": block} for block in (new - old).elements()]
        return [{"field": label, "note": note} for note in removed + added]


def _without_blocks(body):
    return PLACEHOLDER.sub("", body or "")
