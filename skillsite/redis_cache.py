"""Redis as the shared cache, without making every page depend on Redis being up.

The site keeps pages, derived values and session copies in the cache; all of them can be
rebuilt from the database. So when Redis cannot be reached, a read finds nothing and a
write is dropped: visitors get freshly rendered pages and staff keep their sessions (read
from the database), instead of a 500 on every page.

After a failure, this process leaves Redis alone for `RETRY_SECONDS`, so an unreachable or
hanging server costs one timeout per process now and then rather than one per cache call.
The outage and the recovery are logged once each.

Why not django-redis with IGNORE_EXCEPTIONS: it swallows errors call by call but never backs
off, so with a hanging server every cache call waits out its timeout. Measured with a 0.2 s
timeout: a page then took 2.15 s (about ten cache calls), against 0.1 s here after the first;
with Redis up both took 12 ms. tests/test_cache_outage.py holds the behaviour.
"""

import logging
import threading
import time
from urllib.parse import urlparse

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0

# Per server and per process: every thread's cache object for a server shares its state.
_unavailable_until = {}
_state_lock = threading.Lock()


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis.Redis object on every cache call, about a hundred Python
    calls each time; one object per connection pool serves every call (redis-py's clients are
    thread-safe, the pool hands each command its own connection)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._server_key = ",".join(self._servers)
        # host:port only: the address may carry a password.
        self._server_label = ", ".join(
            urlparse(address).netloc.rsplit("@", 1)[-1] for address in self._servers
        )

    def _call(self, operation, fallback, *args, **kwargs):
        if time.monotonic() < _unavailable_until.get(self._server_key, 0.0):
            return fallback
        try:
            result = operation(*args, **kwargs)
        except RedisError as error:
            with _state_lock:
                if self._server_key not in _unavailable_until:
                    logger.warning(
                        "Cache server %s unreachable (%s); serving without it.",
                        self._server_label,
                        type(error).__name__,
                    )
                _unavailable_until[self._server_key] = time.monotonic() + RETRY_SECONDS
            return fallback
        if self._server_key in _unavailable_until:
            with _state_lock:
                if _unavailable_until.pop(self._server_key, None) is not None:
                    logger.warning("Cache server %s answers again.", self._server_label)
        return result

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)
