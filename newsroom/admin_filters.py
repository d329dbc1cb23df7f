"""The admin's lists take their filters from the address (?section=4,
?publish_at__year=2026), and Django builds the query from them as typed. A number no
database column holds (99999999999999999999) and a year past 9998 (the date drill-down
reaches for the year after it) ended in a server error; such an address gets a 400 that
says which filter, before any list is built."""

import re

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

from .security import ViewMiddleware

LARGEST = 2**63 - 1  # a 64-bit column, the widest any list filters on
NUMBER = re.compile(r"-?[0-9]+")
LAST_YEAR = 9998
NOT_FILTERS = {"q", "_changelist_filters", "next", "_to_field", "_popup"}


def out_of_range(params):
    """The first "name=value" of ``params`` no list can be filtered by, or None."""
    for name, values in params.lists():
        if name in NOT_FILTERS:
            continue
        for value in values:
            numbers = [part.strip() for part in value.split(",")]
            if any(NUMBER.fullmatch(n) and abs(int(n)) > LARGEST for n in numbers):
                return f"{name}={value}"
            if name.endswith("__year") and NUMBER.fullmatch(value) and int(value) > LAST_YEAR:
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
