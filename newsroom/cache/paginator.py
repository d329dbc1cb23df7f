"""A Paginator whose total is counted once per content generation and shared."""

import hashlib
import time

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .generations import GENERATION_KEY, current_generation
from .lifetimes import SCHEDULE_KEY, next_publish, page_lifetime


class CachedCountPaginator(Paginator):
    """A Paginator whose total is counted once per content generation and shared.

    On a section or tag with tens of thousands of articles, COUNT(*) costs more than the
    rest of the page. The view names the listing (``count_key``: its address without the
    page number); the count is renewed by any change readers can see and, like a page,
    when a scheduled article goes live.
    """

    def __init__(self, *args, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        if self.count_key is None:
            return super().count
        key = f"pages:count:{hashlib.sha256(self.count_key.encode()).hexdigest()}"
        found = cache.get_many([GENERATION_KEY, SCHEDULE_KEY, key])
        generation = current_generation(found)
        known = found.get(key)
        if known is not None and known[0] == generation and known[2] > time.time():
            return known[1]
        count = super().count
        lifetime = page_lifetime(next_publish=next_publish(found, generation))
        cache.set(key, (generation, count, time.time() + lifetime), lifetime)
        return count
