"""Bylines: who wrote an article, in the order the desk gives them.

``Byline`` rows carry a position; everything that shows or writes a byline goes through here
(the article page reads them in one statement, articles.page_data). ``arrange()`` writes a
byline in one go and then announces it as the many-to-many signals do, once for the names
that left and once for those that joined or moved, so the pages showing it are renewed
(articles/signals.py) and the history keeps the byline as it now reads, order included.
"""

from django import forms
from django.db import router, transaction
from django.db.models import Prefetch
from django.db.models.signals import m2m_changed

from newsroom.widgets import AutocompleteSelectMultiple, names_a_row

from .models import Article, Author, Byline

PREFETCHED = "prefetched_bylines"


def public_authors():
    """Authors with at least one published article: the only ones with a page or a feed. A
    byline only on unpublished work (a guest on an embargoed story) reveals nothing."""
    live = Byline.objects.filter(article__in=Article.objects.published())
    return Author.objects.filter(pk__in=live.values("author_id"))


def ordered(article):
    """The article's authors, first to last (uses a ``prefetch()`` when there is one)."""
    if article.pk is None:
        return []
    found = getattr(article, PREFETCHED, None)
    if found is None:
        found = article.bylines.select_related("author")
    return [byline.author for byline in found]


def prefetch():
    """For ``prefetch_related()``: articles' bylines in one more query, for ``ordered()``.
    Kept as a plain list: a prefetch into the manager builds a queryset for every article
    just to hold its rows (a tenth of a millisecond each, a fifth of a feed's render)."""
    return Prefetch("bylines", queryset=Byline.objects.select_related("author"), to_attr=PREFETCHED)


def arrange(article, authors):
    """Make the article's byline read ``authors`` (Author instances or ids), in that order,
    duplicates dropped. Returns True when anything changed."""
    wanted = list(dict.fromkeys(a if isinstance(a, int) else a.pk for a in authors))
    using = router.db_for_write(Byline, instance=article)
    with transaction.atomic(using=using):
        current = {b.author_id: b for b in Byline.objects.using(using).filter(article=article)}
        left = set(current) - set(wanted)
        moved = []
        joined = []
        for position, author_id in enumerate(wanted):
            byline = current.get(author_id)
            if byline is None:
                joined.append(Byline(article=article, author_id=author_id, position=position))
            elif byline.position != position:
                byline.position = position
                moved.append(byline)
        if left:
            Byline.objects.using(using).filter(article=article, author_id__in=left).delete()
        Byline.objects.using(using).bulk_update(moved, ["position"])
        Byline.objects.using(using).bulk_create(joined)
        if left:
            _announce(article, "post_remove", left, using)
        if joined or moved:
            # A move changes no list the author is on, only the order the byline shows.
            _announce(article, "post_add", {b.author_id for b in joined}, using)
    return bool(left or joined or moved)


def _announce(article, action, pk_set, using):
    m2m_changed.send(
        sender=Byline,
        instance=article,
        action=action,
        reverse=False,
        model=Author,
        pk_set=pk_set,
        using=using,
    )


def _places(values):
    """Each value's first place in the list."""
    place = {}
    for index, value in enumerate(values):
        place.setdefault(str(value), index)
    return place


class BylineWidget(AutocompleteSelectMultiple):
    """The admin's author autocomplete, listing the chosen names in byline order (the
    browser sends them back in the order they stand; static/js/admin_bylines.js lets the
    editor drag them)."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        place = _places(value)
        options = groups[0][1]
        options.sort(key=lambda option: place.get(str(option["value"]), len(place)))
        for index, option in enumerate(options):
            option["index"] = str(index)
        return groups

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin_bylines.js"])


class BylineField(forms.ModelMultipleChoiceField):
    """Authors in the order they were sent: the order is the byline."""

    def clean(self, value):
        for pk in value or []:
            if not names_a_row(self.queryset.model._meta.pk, pk):  # letters, or past the range
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        chosen = super().clean(value)
        place = _places(value or [])
        return sorted(chosen, key=lambda author: place.get(str(author.pk), len(place)))

    def has_changed(self, initial, data):
        initial = [str(getattr(v, "pk", v)) for v in (initial or [])]
        data = [str(v) for v in (data or [])]
        return list(dict.fromkeys(initial)) != list(dict.fromkeys(data))


def form_field(admin_site, **kwargs):
    """The admin form's authors field."""
    field = Article._meta.get_field("authors")
    return BylineField(
        queryset=Author.objects.all(),
        required=False,
        label=field.verbose_name.capitalize(),
        help_text=field.help_text,
        widget=BylineWidget(field, admin_site, using=kwargs.get("using")),
    )
