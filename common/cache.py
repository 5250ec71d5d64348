"""A Redis cache that degrades to misses instead of failing the request.

The cache holds nothing that cannot be rebuilt (throttle counters, cached lookups, claims that
have a database fallback), so while Redis is down or hung every read is a miss, every write is
dropped and the request carries on. Timeouts are short (settings: `REDIS_CONNECT_TIMEOUT`,
`REDIS_SOCKET_TIMEOUT`) and after a failure the backend stops trying for `retry_after` seconds, so
a hung Redis costs one timeout per process per interval, not one per request. The outage is
logged once when it starts and once when it ends.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("common.cache")


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's client, with one redis-py client per connection pool instead of a new one per operation.

    Django builds a `redis.Redis` for every cache call, and each copies redis-py's table of some 170
    response callbacks: about 0.1 ms, three times a request (token lookup, throttle, pagination).
    A `redis.Redis` is safe to share between threads: it takes a connection from its pool per command.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # Django's choice of server and its pool, kept for good
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache; errors behave as misses (reads) or no-ops (writes), logged once per outage."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.25)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedRedisCacheClient  # RedisCache.__init__ sets Django's own
        self._down_until = 0.0
        self._lock = threading.Lock()

    # -- outage bookkeeping ------------------------------------------------------------------
    def _is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, operation: str, exc: Exception) -> None:
        with self._lock:
            was_up = self._down_until == 0.0
            self._down_until = time.monotonic() + self.retry_after
        if was_up:
            logger.error("Cache unavailable (%s: %s); serving without it until it answers again.", operation, exc)

    def _recovered(self) -> None:
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
            logger.warning("Cache answers again.")

    def _call(self, operation: str, default, *args, **kwargs):
        if self._is_down():
            return default
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except RedisError as exc:
            self._failed(operation, exc)
            return default
        self._recovered()
        return result

    def ping(self) -> None:
        """Raise when the cache does not answer (readiness probe); ignores the back-off window."""
        self._cache.get_client(write=True).ping()
        self._recovered()

    # -- the cache API: reads miss, writes are dropped, counters behave as missing keys ---------
    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    def incr(self, key, delta=1, version=None):
        # A counter that cannot be read is a missing key: callers (throttles) already handle ValueError.
        if self._is_down():
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            self._failed("incr", exc)
            raise ValueError(f"Key '{key}' not found (cache unavailable).") from exc
