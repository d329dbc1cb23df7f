"""Rendered markup kept for many pages and many renders: ``{% fragment %}`` blocks (the tag
is in newsroom/templatetags/fragments.py) and an article's comment thread."""

import contextlib
import functools
import hashlib
import threading
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import cached_property

from .lifetimes import SCHEDULE_KEY, next_publish, page_lifetime
from .versions import CLOCK_KEY, CONTENT, SITE, clock, is_fresh, stamps, version_key

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
    """Rendered markup (or any small value) kept for many pages and many renders.

    With the request's ``Fragments``, a copy records the keys of what it shows (those
    named, and those added while it renders, e.g. by ``{% depends_on %}``) and the clock
    reading it was rendered at, and is used only while none of those keys was renewed
    since; its keys join the page's, so the page is renewed with it. Without, a copy lasts
    its time (a ``lasting`` fragment: its key names everything it depends on).

    Besides the shared cache, each process keeps what it used lately in its own memory
    (bounded): a render takes its fragments without fetching their markup.
    """

    MAX_BYTES = 16 * 1024 * 1024

    def __init__(self):
        self._local = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get_or_render(self, key, render, seconds, fragments=None, keys=(), shared=True):
        """``shared=False``: kept in this process only, for markup cheaper to render than
        to fetch and store (a card: each process renders it once)."""
        now = time.time()
        with self._lock:
            item = self._local.get(key)
            if item is not None:
                self._local.move_to_end(key)
        if not self._usable(item, now, fragments):
            shared_key = self._shared_key(key)
            item = cache.get(shared_key) if shared else None
            if not self._usable(item, now, fragments):
                item = self._render(render, now + seconds, fragments, keys)
                if shared:
                    cache.set(shared_key, item, seconds)
            self._remember(key, item)
        if fragments is not None:
            fragments.add(*item[2])
        return item[1]

    def get_or_render_many(self, renders, seconds):
        """Lasting values (each key names everything its value depends on) for many keys at
        once, ``renders`` mapping each key to what makes its value: this process's copies
        first, then one round trip to the shared cache for the rest, then rendering what
        neither has (kept with one more round trip). Returns {key: value}."""
        now = time.time()
        found, missing = {}, []
        with self._lock:
            for key in renders:
                item = self._local.get(key)
                if self._usable(item, now, None):
                    self._local.move_to_end(key)
                    found[key] = item[1]
                else:
                    missing.append(key)
        if not missing:
            return found
        shared_keys = {key: self._shared_key(key) for key in missing}
        shared = cache.get_many(list(shared_keys.values()))
        made = {}
        for key in missing:
            item = shared.get(shared_keys[key])
            if not self._usable(item, now, None):
                item = (now + seconds, renders[key](), frozenset(), 0, 0)
                made[shared_keys[key]] = item
            self._remember(key, item)
            found[key] = item[1]
        if made:
            cache.set_many(made, seconds)
        return found

    @staticmethod
    def _shared_key(key):
        return f"rendered:{templates_release()}:{key}"  # one process, one release

    @staticmethod
    def _usable(item, now, fragments):
        if not (isinstance(item, tuple) and len(item) == 5 and item[0] > now):
            return False
        return fragments is None or fragments.fresh(item[2], item[3])

    @staticmethod
    def _render(render, expires_at, fragments, keys):
        if fragments is None:
            return (expires_at, render(), frozenset(), 0, 0)
        rendered_at = fragments.clock
        with fragments.recording() as names:
            value = render()
        names = frozenset({SITE, *keys, *names})
        fragments.stamps(names)  # each key has a stamp from now on
        return (expires_at, value, names, rendered_at, 0)

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
                self._bytes -= previous[4]
            self._local[key] = (*item[:4], size)
            self._bytes += size
            while self._bytes > self.MAX_BYTES:
                _key, dropped = self._local.popitem(last=False)
                self._bytes -= dropped[4]

    def clear(self):
        with self._lock:
            self._local.clear()
            self._bytes = 0


rendered = RenderedCache()


class RecentKeys:
    """The keys each address's page showed last time, per process (bounded): read with the
    request's first round trip, they spare a lookup for every fragment and for a hit's
    check. Only a guess: a key missing from it is simply read when needed. Per address,
    query included: two searches, or two pages of a list, show different stories."""

    MAX_PAGES = 4096

    def __init__(self):
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def get(self, request):
        return self._pages.get(request.get_full_path(), ())

    def note(self, request, names):
        address = request.get_full_path()
        if self._pages.get(address) == names:
            return
        with self._lock:
            self._pages[address] = names
            self._pages.move_to_end(address)
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)


recent_keys = RecentKeys()


class Fragments:
    """The request's part in the cache: the keys of what its page shows, and what its
    fragments ({% fragment %}) are checked and timed with, read once per request from what
    the page-cache lookup found (or with one round trip without it).

    The view names the page's own keys first (``declare``: the article, the listing...);
    they are read in that round trip. Fragments and ``{% depends_on %}`` add theirs while
    the page renders (``add``). A page whose view declared nothing also depends on
    ``CONTENT``: it is renewed by every change to public content. Every page depends on
    ``SITE``.

    A fragment's ``seconds`` end, like a page's lifetime, at the next scheduled publish
    time and at midnight, so a fragment listing articles is never late either.
    """

    def __init__(self, request):
        self.request = request
        self.keys = set()
        self.precise = False
        self._recording = []
        self._stamps = {}

    @classmethod
    def of(cls, request):
        """The request's one instance, shared by its view and its templates."""
        fragments = getattr(request, "_fragments", None)
        if fragments is None:
            fragments = request._fragments = cls(request)
        return fragments

    def declare(self, *names):
        """The page's own keys, named by its view: the page is renewed by those (and by
        what its fragments and templates add), no longer by every content change."""
        self.precise = True
        self.add(*names)

    def add(self, *names):
        self.keys.update(names)
        for names_seen in self._recording:
            names_seen.update(names)

    @contextlib.contextmanager
    def recording(self):
        """The keys added while the block runs (a fragment rendering)."""
        names = set()
        self._recording.append(names)
        try:
            yield names
        finally:
            self._recording.remove(names)

    def page_keys(self):
        return frozenset({SITE, *self.keys, *(() if self.precise else (CONTENT,))})

    @cached_property
    def _found(self):
        found = getattr(self.request, "page_cache_found", None)
        if found is None:
            names = {SITE, CONTENT, *self.keys, *recent_keys.get(self.request)}
            keys = [CLOCK_KEY, SCHEDULE_KEY, *(version_key(name) for name in names)]
            found = cache.get_many(keys)
        return found

    @cached_property
    def clock(self):
        """The clock's reading when the request began: what it renders is stamped with it."""
        return clock(self._found.get(CLOCK_KEY))

    @cached_property
    def seconds(self):
        upcoming = next_publish(self._found)
        return page_lifetime(next_publish=upcoming, longest=FRAGMENT_SECONDS)

    def stamps(self, names):
        unknown = [name for name in names if name not in self._stamps]
        if unknown:
            self._stamps.update(stamps(unknown, known=self._found))
        return self._stamps

    def fresh(self, names, rendered_at):
        return is_fresh(names, rendered_at, self.stamps(names))
