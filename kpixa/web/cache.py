"""Computed once: the pages' cached computations are built by one thread of a process at a time.

A server process with several threads (gunicorn's gthread workers, bench/server.py) would otherwise
compute the same missing entry in every thread that asks for it at once: right after a start or a
new score run, every concurrent request of a page misses together. ``once`` lets the first compute
it while the others wait for it and then read it from the cache.

Locks are striped (a fixed pool chosen by the key's hash): the number of keys is unbounded (a
page's body is cached per query string), the number of locks is not. Two keys sharing a lock only
wait for each other on a miss.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

STRIPES = 64
_locks = tuple(threading.Lock() for _ in range(STRIPES))


def _lock(key: str) -> threading.Lock:
    return _locks[zlib.crc32(key.encode()) % STRIPES]


def once[T](key: str, compute: Callable[[], T], timeout: int | None) -> T:
    """The value cached under ``key``; on a miss, computed by one thread while the others wait.

    ``compute`` must not return None (None means "not cached").
    """
    value: Any = cache.get(key)
    if value is None:
        with _lock(key):
            value = cache.get(key)
            if value is None:
                value = compute()
                cache.set(key, value, timeout)
    return value  # type: ignore[no-any-return]
