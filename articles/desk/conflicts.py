"""No silent overwrite: the article form (and a live entry's) carries the version it was
opened on (the object's ``updated_at``), and a save made from an older form is refused. The
refused form keeps the writer's text, says who saved and when, shows their version against
the writer's, and offers to replace theirs knowingly (a tick box tied to the version just
shown: if a third save comes in meanwhile, the form is refused again)."""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..corrections import Notice
from . import diff

NOTICES = "notices"  # the corrections inline's prefix on the article form
MAX_NOTICES = 50  # the inline's own bound (articles.admin.BoundedInline)


def _notice_line(kind, text):
    label = dict(Notice.Kind.choices).get(kind, kind)
    return f"{label}: {text.strip()}"


def notices_saved(article):
    """The story's corrections as lines of text, in an order both sides share."""
    return "\n".join(sorted(_notice_line(n.kind, n.text) for n in article.notices.all()))


def notices_sent(data):
    """The corrections a refused form would have saved, read as notices_saved reads them."""
    try:
        total = min(int(data.get(f"{NOTICES}-TOTAL_FORMS") or 0), MAX_NOTICES)
    except ValueError:
        total = 0
    lines = []
    for row in range(total):
        prefix = f"{NOTICES}-{row}-"
        text = data.get(prefix + "text") or ""
        if data.get(prefix + "DELETE") or not text.strip():
            continue
        lines.append(_notice_line(data.get(prefix + "kind") or "", text))
    return "\n".join(sorted(lines))


def version_token(updated_at):
    return updated_at.isoformat() if updated_at else ""


def _parse(token):
    try:
        return datetime.fromisoformat(token)
    except (TypeError, ValueError):
        return None


@dataclass
class Conflict:
    who: str
    when: datetime
    thing: str  # what was saved: "article", "live entry"
    token: str  # the version now saved: ticking "replace" applies to this one only
    theirs_vs_yours: list
    what_they_changed: list | None


class RefusesStaleSave(forms.Form):
    """For the article's ModelForm. A POST without a version (a script, an old page) is
    taken as it is; a POST with an older one is refused."""

    desk_version = forms.CharField(required=False, widget=forms.HiddenInput)
    desk_seen = forms.CharField(required=False, widget=forms.HiddenInput)
    desk_replace = forms.BooleanField(
        required=False,
        label=_("Replace their version with mine"),
        help_text=_(
            "Saves your version over theirs, corrections included. Their words stay in the history."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.desk_conflict = None
        if self.instance.pk is not None:
            self.fields["desk_version"].initial = version_token(self.instance.updated_at)

    def clean(self):
        cleaned = super().clean()
        posted = cleaned.get("desk_version")
        if self.instance.pk is None or not posted:
            return cleaned
        model = type(self.instance)
        # Locked until this request commits (PostgreSQL): two saves racing are checked in
        # turn, never both against the same version.
        current = (
            model.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        token = version_token(current)
        if posted == token:
            return cleaned
        if cleaned.get("desk_replace") and cleaned.get("desk_seen") == token:
            return cleaned
        self.desk_conflict = self._conflict(posted, token)
        self.add_error(
            None,
            gettext(
                "Not saved: %(who)s saved this %(thing)s at %(when)s, after you opened it. "
                "Your text is still in the form, nothing is lost. Compare the two versions "
                "on this page, then copy what you need, or tick “Replace their version with "
                "mine” and save again."
            )
            % {
                "who": self.desk_conflict.who,
                "thing": self.desk_conflict.thing,
                "when": timezone.localtime(self.desk_conflict.when).strftime("%Y-%m-%d %H:%M:%S"),
            },
        )
        return cleaned

    def _conflict(self, posted, token):
        history = self.instance.history.select_related("history_user")
        latest = history.order_by("-history_date", "-history_id").first()
        user = latest.history_user if latest else None
        who = (user.get_full_name() or user.get_username()) if user else gettext("someone")
        when = latest.history_date if latest else self.instance.updated_at
        theirs = diff.values_of(self.instance)  # not yet overwritten: clean() runs first
        yours = {name: self.cleaned_data.get(name, self.data.get(name)) for name in theirs}
        if f"{NOTICES}-TOTAL_FORMS" in self.data:  # the form carries the corrections too
            theirs["notices"] = notices_saved(self.instance)
            yours["notices"] = notices_sent(self.data)
        opened_at = _parse(posted)
        base = None
        if opened_at is not None:
            # The record written by the save that produced the version this form was opened
            # on: the first one at or after it.
            base = history.filter(history_date__gte=opened_at).order_by("history_date").first()
        return Conflict(
            who=who,
            when=when,
            thing=self.instance._meta.verbose_name,
            token=token,
            theirs_vs_yours=diff.compare(theirs, yours),
            what_they_changed=diff.compare(diff.values_of(base), theirs) if base else None,
        )


class RowsGoneMeanwhile(BaseInlineFormSet):
    """An inline row (a correction, a preview link) that a colleague deleted after this form
    was opened. Django refused every save with an error on the row's hidden id, shown
    nowhere, so nothing could be saved until the page was reloaded. Such a row is now saved
    again as a new one when ``revive_gone`` (a correction: what the writer typed is kept,
    and a save over a colleague's was made knowingly, see RefusesStaleSave), else dropped (a
    withdrawn preview link stays withdrawn)."""

    revive_gone = False

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        pk_name = self.model._meta.pk.name
        form.gone_meanwhile = (
            self.is_bound
            and i < self.initial_form_count()
            and form.instance.pk is None
            and bool(form.data.get(form.add_prefix(pk_name)))
        )
        if form.gone_meanwhile:
            data = form.data.copy()
            data[form.add_prefix(pk_name)] = ""
            form.data = data
            form.fields[pk_name].required = False
            if not self.revive_gone:  # neither checked nor saved: as an empty extra row
                form.empty_permitted = True
                form.has_changed = lambda: False
        return form

    def save_new_objects(self, commit=True):
        saved = super().save_new_objects(commit)
        for form in self.initial_forms:
            if form.gone_meanwhile and not self._should_delete_form(form) and form.has_changed():
                saved.append(self.save_new(form, commit=commit))
                if not commit:
                    self.saved_forms.append(form)
        return saved


class CorrectionsGoneMeanwhile(RowsGoneMeanwhile):
    revive_gone = True
