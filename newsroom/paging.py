"""Which ``?page=`` values name a page of a list.

One address per page: ``2``, never ``+2``, ``02``, `` 2`` or ``٢`` (Python's ``int()``
takes them all, so each would be a duplicate of page 2), nor Django's ``last``.
"""

import re

from django.http import Http404
from django.utils.translation import gettext as _

CANONICAL = re.compile(r"[1-9][0-9]{0,8}")


def page_number(value):
    """The page a ``?page=`` value names: 1 when absent, else its number; anything not
    written as our links write it is a 404 (like a page past the end)."""
    if value is None:
        return 1
    if not CANONICAL.fullmatch(value):
        raise Http404(_("There is no such page."))
    return int(value)
