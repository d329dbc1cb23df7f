"""Rendered markup kept for many pages and many renders: ``{% fragment %}`` blocks (the tag
is in newsroom/templatetags/fragments.py) and an article's comment thread."""

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import cached_property

from .generations import GENERATION_KEY, current_generation, version
from .lifetimes import SCHEDULE_KEY, next_publish, page_lifetime

FRAGMENT_SECONDS = 300  # as long as a page, by default: relative dates ("3 hours ago") age alike


@functools.cache
def templates_release():
    """A fingerprint of the project's templates, taken once per process: part of the key of
    every long-lived rendered fragment, so that a deployment which changes the markup never
    serves fragments rendered with the old one."""
    digest = hashlib.sha256()
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class RenderedCache:
    """Rendered markup under keys that name everything it depends on (the page generation,
    an article's comments version; the templates' fingerprint is added here, so that a
    deployment that changes the markup never serves what the old one rendered): what a key
    holds never changes, it only runs out. So besides the shared cache, each process keeps
    what it used lately in its own memory (bounded): a render takes its fragments without a
    round trip.
    """

    MAX_BYTES = 16 * 1024 * 1024

    def __init__(self):
        self._local = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get_or_render(self, key, render, seconds):
        now = time.time()
        with self._lock:
            item = self._local.get(key)
            if item is not None and item[0] > now:
                self._local.move_to_end(key)
                return item[1]
        shared_key = f"rendered:{templates_release()}:{key}"  # one process, one release
        item = cache.get(shared_key)
        if not (isinstance(item, tuple) and len(item) == 2 and item[0] > now):
            item = (now + seconds, render())
            cache.set(shared_key, item, seconds)
        self._remember(key, item)
        return item[1]

    def _remember(self, key, item):
        value = item[1]
        size = sum(
            len(part)
            for part in (value if isinstance(value, tuple) else (value,))
            if isinstance(part, str)
        )
        if size > self.MAX_BYTES // 8:
            return
        with self._lock:
            previous = self._local.pop(key, None)
            if previous is not None:
                self._bytes -= previous[2]
            self._local[key] = (*item, size)
            self._bytes += size
            while self._bytes > self.MAX_BYTES:
                _key, (_expires, _value, dropped) = self._local.popitem(last=False)
                self._bytes -= dropped

    def clear(self):
        with self._lock:
            self._local.clear()
            self._bytes = 0


rendered = RenderedCache()


class Fragments:
    """What templates key and time their cached fragments with ({% fragment %}), read once per
    request from what the page-cache lookup found (or with one round trip without it).

    ``generation`` in a fragment's key makes it stale on every change readers could see,
    exactly like a page; ``seconds`` ends, like a page's lifetime, at the next scheduled
    publish time and at midnight, so a fragment listing articles is never late either.
    Such fragments make a render cheap when the page cache cannot help: a page number or a
    search nobody asked for yet, a page whose cached copy a change elsewhere made stale.

    A view announces the other version keys its page will need (``want``), such as an
    article's comments version: they are read in the same round trip.
    """

    def __init__(self, request):
        self.request = request
        self._wanted = []

    @classmethod
    def of(cls, request):
        """The request's one instance, shared by its view and its templates."""
        fragments = getattr(request, "_fragments", None)
        if fragments is None:
            fragments = request._fragments = cls(request)
        return fragments

    def want(self, key):
        self._wanted.append(key)

    @cached_property
    def _found(self):
        found = getattr(self.request, "page_cache_found", None)
        if found is None:
            keys = [GENERATION_KEY, SCHEDULE_KEY, *self._wanted]
            found = dict.fromkeys(keys)  # asked for: a key missing here was not in the cache
            found.update(cache.get_many(keys))
        return found

    @cached_property
    def _state(self):
        found = self._found
        generation = current_generation(found)
        upcoming = next_publish(found, generation)
        return generation, page_lifetime(next_publish=upcoming, longest=FRAGMENT_SECONDS)

    @property
    def generation(self):
        return self._state[0]

    @property
    def seconds(self):
        return self._state[1]

    def version(self, key):
        """The number under a version key, from the shared round trip when it was wanted."""
        found = self._found
        return version(key, found[key] if key in found else cache.get(key))
