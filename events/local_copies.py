"""Copies in this process of the values kept in the shared cache under the content version.

A key that holds the content version names one value for as long as the key exists: when
content changes, the version and so every key change with it. A process can therefore keep
what it read or stored under such a key and answer the next request from memory, without a
round trip to Redis or unpickling, and still never show anything stale; the only value every
request reads from Redis is the version itself (content_version.content_state). When a request
brings a new version, every copy of the old one is dropped.

Bounded by the total length of the copies (text counts its characters; any other value, a
count or a list of choices, a fixed estimate), least recently used first out, and each copy
expires when the shared cache's entry would (CONTENT_CACHE_SECONDS). Values must be treated
as read-only: every request of the process gets the same object.
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache

# About 16 MB of HTML per process: a list row is 1-2 kB, a detail page's body 5-20 kB.
MAX_SIZE = 16_000_000
OTHER_VALUE_SIZE = 1_000


def _size(value):
    return len(value) if isinstance(value, str) else OTHER_VALUE_SIZE


class LocalCopies:
    def __init__(self, max_size=MAX_SIZE):
        self.max_size = max_size
        self._lock = threading.Lock()
        self._version = None
        self._entries = OrderedDict()  # key -> (expires, size, value)
        self._size = 0

    def _clear(self):
        self._entries.clear()
        self._size = 0

    def get_many(self, version, keys):
        """The copies held of `keys` under `version`, as a dict."""
        now = time.monotonic()
        found = {}
        with self._lock:
            if version != self._version:
                self._clear()
                self._version = version
                return found
            for key in keys:
                entry = self._entries.get(key)
                if entry is None:
                    continue
                if entry[0] <= now:
                    del self._entries[key]
                    self._size -= entry[1]
                    continue
                self._entries.move_to_end(key)
                found[key] = entry[2]
        return found

    def set_many(self, version, values, seconds):
        expires = time.monotonic() + seconds
        with self._lock:
            if version != self._version:
                self._clear()
                self._version = version
            for key, value in values.items():
                size = _size(value)
                if size > self.max_size // 16:
                    continue  # one huge value would push out everything else
                old = self._entries.pop(key, None)
                if old is not None:
                    self._size -= old[1]
                self._entries[key] = (expires, size, value)
                self._size += size
            while self._size > self.max_size:
                _key, (_expires, size, _value) = self._entries.popitem(last=False)
                self._size -= size

    def clear(self):
        with self._lock:
            self._clear()
            self._version = None


copies = LocalCopies()


def get_many(version, keys):
    """The values of `keys` (each holding `version`): this process's copies first, the shared
    cache for the rest, which are then copied here."""
    found = copies.get_many(version, keys)
    missing = [key for key in keys if key not in found]
    if missing:
        shared = cache.get_many(missing)
        if shared:
            copies.set_many(version, shared, settings.CONTENT_CACHE_SECONDS)
        found |= shared
    return found


def set_many(version, values, seconds):
    """Store `values` in the shared cache and copy them here."""
    cache.set_many(values, seconds)
    copies.set_many(version, values, seconds)
