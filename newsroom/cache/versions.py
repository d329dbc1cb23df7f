"""What cached pages and fragments depend on, and the one way to renew it: ``renew()``.

Every cached page and fragment records the *keys* of what it shows (``article:123``,
``listing:home``, ``menu``...) and the moment it was rendered, read from a shared counter
(the *clock*). ``renew(*keys)`` advances the clock and stamps each key with the new reading:
a copy rendered before that is stale wherever it is kept, on every app process. A copy is
fresh while none of its keys was stamped after it was rendered.

The clock is a counter in the shared cache, not a wall clock: two app processes whose clocks
disagree still agree on it. A missing counter (never set, evicted) starts from the wall clock
in nanoseconds, which is past any reading it had; a missing key is stamped with the clock's
current reading when next asked, which makes everything rendered before it stale.
"""

import time

from django.core.cache import cache
from django.db import transaction

from .lifetimes import SCHEDULE_KEY, next_scheduled_publish

CLOCK_KEY = "pages:clock"
# On every page and fragment: renewing it renews everything (the Site's domain, a lost
# Redis, tools that want every page rendered afresh).
SITE = "site"
# On every page whose view names nothing more precise (search, feeds, sitemaps, flat pages,
# 404s): renewed by every change to public content, but not by a comment.
CONTENT = "content"

_after_renewal = []


def version_key(name):
    return f"pages:key:{name}"


def clock(known=None):
    """The clock's reading (``known``: what a get already read)."""
    if known is not None:
        return known
    reading = time.time_ns()
    if not cache.add(CLOCK_KEY, reading, timeout=None):
        reading = cache.get(CLOCK_KEY, reading)
    return reading


def _advance():
    try:
        return cache.incr(CLOCK_KEY)
    except ValueError:  # never set, or evicted: start past any reading it gave
        reading = time.time_ns()
        cache.set(CLOCK_KEY, reading, timeout=None)
        return reading


def stamps(names, known=None):
    """{key: the reading it was last renewed at} for the names; a name without a stamp is
    given the clock's reading now (``known``: a get_many answer that may hold some)."""
    known = known or {}
    found = {name: known.get(version_key(name)) for name in names}
    wanted = [version_key(name) for name, stamp in found.items() if stamp is None]
    if wanted:
        got = cache.get_many(wanted)
        for name in list(found):
            if found[name] is None:
                found[name] = got.get(version_key(name))
    missing = [name for name, stamp in found.items() if stamp is None]
    if missing:
        now = clock(cache.get(CLOCK_KEY))
        for name in missing:
            if not cache.add(version_key(name), now, timeout=None):
                now = cache.get(version_key(name), now)
            found[name] = now
    return found


def is_fresh(names, rendered_at, known_stamps):
    """Was a copy rendered at ``rendered_at`` showing ``names`` renewed since? A name
    without a stamp counts as renewed."""
    for name in names:
        stamp = known_stamps.get(name)
        if stamp is None or stamp > rendered_at:
            return False
    return True


def renew(*names):
    """Make every cached page and fragment that shows one of ``names`` stale, on every app
    process, and purge those keys from the caches in front (newsroom.cache.purgers): the
    one invalidation path, which every app's signals module calls for every change a reader
    could see. Without names it renews everything (``SITE``).

    It acts now and once more after the commit: a reader rendering between the save and
    its commit still sees the old content and may store it as new. The purge goes out after
    the commit only. Inside a transaction the names are gathered for that: a key renewed
    many times in it (an article deleted with its hundred comments) is renewed and purged
    once after the commit, in one purge with the transaction's other keys.
    """
    names = tuple(dict.fromkeys(names or (SITE,)))
    _renew(names)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _renewed(names)
        return
    batch = getattr(connection, "_newsroom_renewal", None)
    pending = batch is not None and not batch.done
    if not (pending and any(entry[1] is batch for entry in connection.run_on_commit)):
        batch = connection._newsroom_renewal = _Batch()
        transaction.on_commit(batch)
    batch.names.update(names)


class _Batch:
    """The names renewed in one transaction, renewed again and purged once it commits (a
    callable registered with on_commit; a rolled-back one is dropped with it)."""

    def __init__(self):
        self.names = set()
        self.done = False

    def __call__(self):
        self.done = True
        names = tuple(sorted(self.names))
        _renew(names)
        _renewed(names)


def _renewed(names):
    for function in _after_renewal:
        function(names)


def invalidate_pages():
    """Everything renewed: for tools (benchmarks, restores) that want every page afresh."""
    renew(SITE)


def after_renewal(function):
    """``function(names)``, called after each committed renewal (the purgers)."""
    _after_renewal.append(function)
    return function


def _renew(names):
    reading = _advance()
    cache.set_many({version_key(name): reading for name in names}, timeout=None)
    # The change may have scheduled an article: note the next publish time now, so that
    # rendering pages needs no query for it.
    cache.set(SCHEDULE_KEY, (reading, next_scheduled_publish()), timeout=None)
