"""A small thread-safe LRU for results that their key fully determines (e.g. a query's name,
parameters and the data version it read), so several screens showing the same unit share work."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any

# What one request has already read (a unit's children, say): set to a fresh dict by the gate at
# the start of every request, so each thing is resolved once per request and never carried over.
# Fan-out tasks run in copies of the request's context and share the same dict.
REQUEST: ContextVar[dict | None] = ContextVar("gridops_request_memo", default=None)


def once_per_request(key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()`` the first time ``key`` is asked for in this request; outside a request, always."""
    seen = REQUEST.get()
    if seen is None:
        return compute()
    with seen.setdefault(("lock", key), threading.Lock()):  # fan-out tasks asking at once wait for one read
        if key not in seen:
            seen[key] = compute()
    return seen[key]


class _Flight:
    """A computation under way: the others asking for its key wait for it (``done``)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = False
        self.value: Any = None


class Memo:
    """Least-recently-used results, at most ``maxsize`` of them.

    Single flight: when several threads miss the same key at once (every screen of one scope
    ticking at the same moment after a change), one computes and the others wait for its result,
    so a result is computed once per process however many screens ask. If that computation fails,
    each waiting thread computes for itself (an error is never shared)."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = self.waits = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The stored result for ``key``, or ``compute()`` stored under it (computed once while
        others wait for it)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = _Flight()
                self.misses += 1
            else:
                self.waits += 1
        if not leader:
            flight.done.wait()
            return flight.value if flight.ok else compute()
        try:
            value = compute()  # outside the lock: a slow query must not block other keys
            flight.value, flight.ok = value, True
            self.put(key, value)
            return value
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()

    def clear(self) -> None:
        """Forget every stored result (computations under way finish and store theirs)."""
        with self._lock:
            self._items.clear()

    def peek(self, key: Hashable) -> Any:
        """The stored result for ``key``, or None (nothing is computed)."""
        with self._lock:
            return self._items.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        """Store ``value`` under ``key``."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
