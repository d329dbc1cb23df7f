"""Cache keys that name the database: copies of the site sharing one Redis share nothing."""

import re

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections


def make_key(key, key_prefix, version):
    """Django's cache key with the database's name in it (settings.CACHES KEY_FUNCTION): two
    copies of the site sharing one Redis (a restored backup, a staging copy) share nothing,
    and a restored database never meets the pages cached for the site it was copied from."""
    # connections.settings holds the very dicts the connections use (a test database's name
    # included), without the per-thread lookup of connections["default"]: a page hit makes a
    # score of keys.
    return f"{key_prefix}:{connections.settings['default']['NAME']}:{version}:{key}"


def forget_database(name):
    """Delete every key cached for the database `name` from a shared Redis (the restore
    command runs it for the database it creates: its name may have been used before)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return 0  # a process-local cache: no other process holds the database's keys
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    pattern = re.sub(r"([*?\[\]\\])", r"\\\1", f"{prefix}:{name}:") + "*"
    client = backend._cache.get_client(write=True)
    deleted, batch = 0, []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == 1000:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted
