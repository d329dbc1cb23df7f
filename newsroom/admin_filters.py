"""The admin's lists take their filters from the address (?section=4,
?publish_at__year=2026), and Django builds the query from them as typed. A number no
database column holds (99999999999999999999) and a year past 9998 (the date drill-down
reaches for the year after it) ended in a server error; such an address gets a 400 that
says which filter, before any list is built."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

from .security import ViewMiddleware

LARGEST = 2**63 - 1  # a 64-bit column, the widest any list filters on
YEARS = range(1, 9999)  # the drill-down reaches for the year after the one it shows
NOT_FILTERS = {"q", "_changelist_filters", "next", "_to_field", "_popup"}


def lookup_field(model, lookup):
    """The name of the field of ``model`` a list filter starts from, however it is spelled
    ("user", "user_id", "user__id__exact" all name the login behind a byline)."""
    first = lookup.split(LOOKUP_SEP)[0]
    try:
        return model._meta.get_field(first).name
    except FieldDoesNotExist:
        return first


def as_number(text):
    """``text`` read as Django reads a number: Python's int(), which also takes "+9",
    "9_999" and digits of every script (٩٩). None if it is not one."""
    try:
        return int(text)
    except ValueError:
        return None


def out_of_range(params):
    """The first "name=value" of ``params`` no list can be filtered by, or None."""
    for name, values in params.lists():
        if name in NOT_FILTERS:
            continue
        for value in values:
            numbers = [as_number(part) for part in value.split(",")]
            if any(n is not None and abs(n) > LARGEST for n in numbers):
                return f"{name}={value}"
            year = as_number(value)
            if name.endswith(("__year", "__iso_year")) and year is not None and year not in YEARS:
                return f"{name}={value}"
    return None


class FilterValuesInRange(ViewMiddleware):
    """For every admin list (its address named *_changelist), ours and the packages'."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not (
            request.GET
            and request.path_info.startswith(self.admin_prefix)
            and (request.resolver_match.url_name or "").endswith("_changelist")
        ):
            return None
        bad = out_of_range(request.GET)
        if bad is None:
            return None
        return HttpResponseBadRequest(
            _(
                "No list can be filtered by %(filter)s: the number is out of range. "
                "Go back and choose the filter from the list."
            )
            % {"filter": bad},
            content_type="text/plain; charset=utf-8",
        )
