"""The generation number every cached page and fragment is stored under, and the one way
to make them stale: ``invalidate_pages()``."""

import time

from django.core.cache import cache
from django.db import transaction

from .lifetimes import SCHEDULE_KEY, next_scheduled_publish

GENERATION_KEY = "pages:generation"


def version(key, known=None):
    """The number under a version key (``known``: what a get already read). A missing one
    (never set, evicted, or deleted to renew it) starts anew from the clock; when several
    processes start it at once, the first to add it wins and the others take that one."""
    if known is not None:
        return known
    number = time.time_ns()
    if not cache.add(key, number, timeout=None):
        number = cache.get(key, number)
    return number


def current_generation(found):
    """The generation from a get_many() answer."""
    return version(GENERATION_KEY, found.get(GENERATION_KEY))


def invalidate_pages(*version_keys):
    """Make every cached page and fragment stale, on every app process, and renew the
    version keys named (such as an article's comments version): the one invalidation path,
    which every app's signals module calls for every change a reader could see.

    It acts now and once more after the commit: a reader rendering between the save and
    its commit still sees the old content and may store it under the new generation.
    """
    _renew(version_keys)
    transaction.on_commit(lambda: _renew(version_keys))


def _renew(version_keys):
    if version_keys:
        cache.delete_many(version_keys)
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:  # the key was never set, or was evicted
        generation = time.time_ns()
        cache.set(GENERATION_KEY, generation, timeout=None)
    # The change may have scheduled an article: note the next publish time for the new
    # generation now, so that rendering pages needs no query for it.
    cache.set(SCHEDULE_KEY, (generation, next_scheduled_publish()), timeout=None)
