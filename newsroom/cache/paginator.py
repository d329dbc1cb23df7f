"""A Paginator whose total is counted once and shared until its listing changes."""

import hashlib

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .fragments import FRAGMENT_SECONDS, rendered
from .versions import CONTENT


class CachedCountPaginator(Paginator):
    """A Paginator whose total is counted once and shared until its listing is renewed.

    On a section or tag with tens of thousands of articles, COUNT(*) costs more than the
    rest of the page. The view names the listing (``count_key``: its address without the
    page number), the request's ``fragments`` and the keys that renew the count (the
    listing's, e.g. ``listing:section:4``; none: every content change); like a page, the
    count also runs out when a scheduled article goes live.

    A list whose count is a cap of a larger total (search: "1,000+ results") gives that
    total to keep through ``total()`` and is handed it back with ``from_total()``, which
    returns the count: the page then asks the database neither.
    """

    def __init__(self, *args, count_key=None, fragments=None, keys=(), counter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.counter = counter  # a cheaper way to the same count, when the list has one
        self.count_key = count_key
        self.fragments = fragments
        self.keys = tuple(keys)

    @cached_property
    def count(self):
        if self.count_key is None or self.fragments is None:
            return self._counted()
        key = f"pages:count:{hashlib.sha256(self.count_key.encode()).hexdigest()}"
        keys = self.keys or (CONTENT,)
        seconds = min(self.fragments.seconds, FRAGMENT_SECONDS)
        listed = self.object_list
        if hasattr(listed, "total") and hasattr(listed, "from_total"):
            key = f"{key}:found"
            total = rendered.get_or_render(key, listed.total, seconds, self.fragments, keys)
            return listed.from_total(total)
        return rendered.get_or_render(key, self._counted, seconds, self.fragments, keys)

    def _counted(self):
        return self.counter() if self.counter else super().count
