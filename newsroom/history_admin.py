"""The admin's pages of an object's past (django-simple-history), read only, for every admin
that has them.

- Numbers in their addresses are ASCII digits; anything else is a 404, not a 500.
- Someone who may not open the object is told it does not exist (404), as its change form
  tells them, whether or not it exists or was deleted.
- A past version is shown, never saved from: simple-history's page would save its form on a
  POST, whatever the user may change (restoring is the desk's own view, which checks).
- Every field is shown read only, as the change form shows it to someone who may only read.
"""

from django.contrib.admin.utils import flatten_fieldsets, label_for_field
from django.contrib.auth import get_permission_codename, get_user_model
from django.http import Http404, HttpResponseNotAllowed
from django.utils.html import strip_tags
from simple_history.template_utils import HistoricalRecordContextHelper

READING_HISTORY = "newsroom_reading_history"


def is_id(value):
    value = str(value)
    return value.isascii() and value.isdigit() and len(value) < 19


def reading_history(request):
    """True while the request shows a past version (the form is read only)."""
    return getattr(request, READING_HISTORY, False)


class PlainValues(HistoricalRecordContextHelper):
    """Each change in the list of versions as words: a body's markup is left out (the desk's
    comparison shows the words that changed)."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return strip_tags(value) if isinstance(value, str) else value


class ReadOnlyHistory:
    """Before SimpleHistoryAdmin in an admin's bases."""

    def get_historical_record_context_helper(self, request, historical_record):
        return PlainValues(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        self._check_history(request, object_id)
        opts = get_user_model()._meta
        if not request.user.has_perm(f"{opts.app_label}.{get_permission_codename('view', opts)}"):
            # Who made each change, as a name: not a link to a login page they may not open.
            extra_context = {**(extra_context or {}), "admin_user_view": ""}
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not is_id(version_id):
            raise Http404
        self._check_history(request, object_id)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        setattr(request, READING_HISTORY, True)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _check_history(self, request, object_id):
        if not is_id(object_id):
            raise Http404
        obj = self.get_object(request, str(object_id))
        if obj is None:  # deleted, or outside what this user's list holds: its last record
            history = self.model.history.filter(**{self.model._meta.pk.attname: object_id})
            record = history.order_by("-history_date", "-history_id").first()
            obj = record.instance if record else None
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404

    def read_only(self, request, obj):
        """True when the form of ``obj`` is shown, not edited: a past version, or a user who
        may read it but not change it."""
        return obj is not None and (
            reading_history(request) or not self.has_change_permission(request, obj)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return self.shown_read_only(fieldsets) if self.read_only(request, obj) else fieldsets

    def shown_read_only(self, fieldsets):
        """The fieldsets without the form's own inputs (an upload field): read only, they
        would show nothing, and Django can name only the model's fields and attributes."""

        def shown(name):
            try:
                label_for_field(name, self.model, self)
            except AttributeError:
                return False
            return True

        return [
            (title, {**options, "fields": [f for f in options["fields"] if shown(f)]})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        if self.read_only(request, obj):
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        return super().get_readonly_fields(request, obj)
