"""Computed once: the pages' cached computations are built by one thread of a process at a time.

A server process with several threads would otherwise compute the same missing entry in every
thread that asks for it at once: right after a start or a new score run, every concurrent request
of a page misses together. ``once`` lets the first compute it while the others wait for it and
then read it from the cache.

One lock per key being computed, dropped when nobody holds or waits for it, so the locks are as
many as the misses in progress. A computation may ask for another key (the dashboard's body reads
the board): bodies wait for boards, never the other way round, so no two threads wait for each
other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache

_locks: dict[str, tuple[threading.Lock, int]] = {}  # key -> (its lock, threads holding or waiting)
_guard = threading.Lock()


@contextmanager
def _computing(key: str) -> Iterator[None]:
    with _guard:
        lock, users = _locks.get(key) or (threading.Lock(), 0)
        _locks[key] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _guard:
            lock, users = _locks[key]
            if users == 1:
                del _locks[key]
            else:
                _locks[key] = (lock, users - 1)


def once[T](key: str, compute: Callable[[], T], timeout: int | None) -> T:
    """The value cached under ``key``; on a miss, computed by one thread while the others wait.

    ``compute`` must not return None (None means "not cached").
    """
    value: Any = cache.get(key)
    if value is None:
        with _computing(key):
            value = cache.get(key)
            if value is None:
                value = compute()
                cache.set(key, value, timeout)
    return value  # type: ignore[no-any-return]
