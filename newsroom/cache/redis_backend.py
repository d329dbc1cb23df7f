"""``ResilientRedisCache``: keeps the site up when Redis is not. Cache calls fail fast, are
logged once per outage, and behave as misses until Redis answers again."""

import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from .versions import CLOCK_KEY, SITE, version_key

logger = logging.getLogger(__name__)


def _resilient(method_name, default=None):
    """Wrap one RedisCache method so a Redis outage returns `default` instead of raising."""

    def fallback(args, kwargs):
        if method_name == "get":
            return kwargs.get("default", args[1] if len(args) > 1 else None)
        return default() if callable(default) else default

    def method(self, *args, **kwargs):
        cls = ResilientRedisCache
        if time.monotonic() < cls.down_until:
            return fallback(args, kwargs)
        try:
            result = getattr(RedisCache, method_name)(self, *args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
            cls.down_until = time.monotonic() + cls.RETRY_AFTER
            if not cls.outage_logged:
                cls.outage_logged = True
                logger.error("Cache unreachable, serving uncached: %s", error)
            return fallback(args, kwargs)
        if cls.outage_logged:
            cls.outage_logged = False
            logger.warning("Cache reachable again; dropping pages cached before the outage.")
            # Renewals made during the outage were lost: renew everything.
            reading = time.time_ns()
            RedisCache.set(self, CLOCK_KEY, reading, timeout=None)
            RedisCache.set(self, version_key(SITE), reading, timeout=None)
        return result

    method.__name__ = method_name
    return method


class _ReusedClient(RedisCacheClient):
    """Django builds a new redis.Redis object for every cache call, which costs about as much
    as the round trip itself; one client per connection pool is enough (it is thread-safe)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """A Redis cache that turns an outage into cache misses instead of errors.

    After a failure, Redis is not asked again for RETRY_AFTER seconds, so a dead Redis
    costs each request nothing; the first failure of an outage is logged, the rest are not.
    """

    RETRY_AFTER = 2.0
    down_until = 0.0
    outage_logged = False

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient

    def validate_key(self, key):
        """Redis takes any key: no per-character check for memcached's limits (a page hit
        reads the stamps of a score of keys)."""

    get = _resilient("get")
    set = _resilient("set")
    add = _resilient("add", False)
    delete = _resilient("delete", False)
    touch = _resilient("touch", False)
    get_many = _resilient("get_many", dict)
    set_many = _resilient("set_many", list)
    delete_many = _resilient("delete_many")
    has_key = _resilient("has_key", False)
    clear = _resilient("clear")
    incr = _resilient("incr", 0)
