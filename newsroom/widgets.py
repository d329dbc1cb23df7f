"""Admin widgets shared by every app (their templates: newsroom/templates/, where the
form renderer looks)."""

from django.conf import settings
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class ZonedSplitDateTime(widgets.AdminSplitDateTime):
    """Date and time inputs that say which clock they are read on: the newsroom's
    (TIME_ZONE), whatever the editor's own computer is set to."""

    template_name = "admin/widgets/zoned_split_datetime.html"

    def decompress(self, value):
        # A value from the address (an add form's ?publish_at=...) comes as text: read it,
        # or show the inputs empty; never fail to draw the form.
        if isinstance(value, str):
            try:
                value = parse_datetime(value.strip())
            except ValueError:
                value = None
        return super().decompress(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        now = timezone.localtime()
        offset = now.strftime("%z")
        context["time_zone"] = {
            "name": settings.TIME_ZONE,
            "offset": f"UTC{offset[:3]}:{offset[3:]}",
            "now": now,
        }
        return context


def names_a_row(field, value):
    """True when ``value`` can be looked up in the column ``field``: not letters in a number
    column, nor a number past the column's range."""
    try:
        field.clean(value, None)
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return True


class _ValidChoicesOnly:
    """Django's autocomplete widgets look up every value a refused form sends back, to draw
    the chosen names again; a value that names no row (``authors=abc``) failed there with a
    500. These draw the form again without it: the field's own error says what was wrong."""

    def optgroups(self, name, value, attr=None):
        related = self.field.remote_field
        opts = related.model._meta
        field_name = getattr(related, "field_name", None)
        target = opts.get_field(field_name) if field_name else opts.pk
        value = [v for v in value if v in (None, "") or names_a_row(target, v)]
        return super().optgroups(name, value, attr)


class AutocompleteSelect(_ValidChoicesOnly, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_ValidChoicesOnly, widgets.AutocompleteSelectMultiple):
    pass


class ValidAutocomplete:
    """For a ModelAdmin or inline: its ``autocomplete_fields`` drawn with the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
