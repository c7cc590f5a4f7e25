"""Per-application caches: derived data kept in memory, one store per app, cleared by signals.

A cache is declared once, at module level, by the module that owns the data::

    _zone_index = AppCache("geodata.zone_index", maxsize=1, stale_on=(signals.zone_saved,))

and used with the session of the unit of work (or, in a request, without one)::

    index = _zone_index.get_or_set(db, key, lambda: build(db))

Its entries never live in the module: each application has its own stores
(``app.extensions["lieudit.caches"]``, which ``wiki.db`` also hands to every
session of the app through ``session.info``), so two apps in one process
(tests, a command beside a server) never share them, and an app that is gone
takes its caches with it. Without an app or a session of one, nothing is
cached and every call computes.

Each store is a thread-safe LRU bounded by ``maxsize`` entries and, for a
cache declared with ``weigh`` (an entry's size in bytes), by ``maxweight``
bytes too: a worker's memory then holds a known amount whatever the size of
the pages or answers it keeps (issue 19). The signals named in
``stale_on`` clear the store of the app whose session (or app) sent them.
They reach only the process that sends them: the other workers of a server
see a change through the key, so a cache of mutable data puts a stamp read
from the database (a count, a latest ``updated_at``) in its key.

Kernel: imports only the standard library, Flask's ``current_app`` and blinker.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Hashable
from collections.abc import Iterable
from typing import Any
from typing import Generic
from typing import TypeVar

from blinker import Signal
from flask import current_app
from flask import has_app_context

#: Key of the per-app stores, in ``app.extensions`` and in ``session.info``.
EXTENSION = "lieudit.caches"
V = TypeVar("V")


class _Store(Generic[V]):
    """A small thread-safe least-recently-used map, bounded in entries and, with ``weigh``, in bytes."""

    def __init__(self, maxsize: int, weigh: Callable[[V], int] | None = None, maxweight: int = 0) -> None:
        self.maxsize = maxsize
        self.weigh = weigh
        self.maxweight = maxweight  # 0: no bound in bytes
        self.weight = 0
        self._weights: dict[Hashable, int] = {}
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            if self.weigh is not None:
                weight = self.weigh(value)
                self.weight += weight - self._weights.get(key, 0)
                self._weights[key] = weight
            self._data[key] = value
            self._data.move_to_end(key)
            self._shrink()

    def _shrink(self) -> None:
        """Drop the least recently used entries past either bound (the lock held)."""
        while len(self._data) > self.maxsize or (self.maxweight and self.weight > self.maxweight):
            key, _ = self._data.popitem(last=False)
            self.weight -= self._weights.pop(key, 0)

    def resize(self, maxsize: int, maxweight: int | None = None) -> None:
        with self._lock:
            self.maxsize = maxsize
            if maxweight is not None:
                self.maxweight = maxweight
            self._shrink()

    def pop(self, key: Hashable) -> None:
        with self._lock:
            self._data.pop(key, None)
            self.weight -= self._weights.pop(key, 0)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._weights.clear()
            self.weight = 0

    def __len__(self) -> int:
        return len(self._data)


def stores_of(holder: Any = None) -> dict[str, Any] | None:
    """Return the per-app stores reachable from ``holder`` (a session or an app), else the current app's."""
    info = getattr(holder, "info", None)
    if isinstance(info, dict) and EXTENSION in info:
        return info[EXTENSION]
    extensions = getattr(holder, "extensions", None)
    if isinstance(extensions, dict) and EXTENSION in extensions:
        return extensions[EXTENSION]
    if has_app_context():
        return current_app.extensions.get(EXTENSION)
    return None


class AppCache(Generic[V]):
    """A named cache whose entries live in each application, bounded and cleared by signals."""

    def __init__(
        self, name: str, *, maxsize: int, stale_on: Iterable[Signal] = (), weigh: Callable[[V], int] | None = None
    ) -> None:
        self.name = name
        self.maxsize = maxsize
        self.weigh = weigh
        for signal in stale_on:
            signal.connect(self._on_stale, weak=False)

    def _store(self, holder: Any = None) -> _Store[V] | None:
        stores = stores_of(holder)
        if stores is None:
            return None
        store = stores.get(self.name)
        if store is None:
            store = stores.setdefault(self.name, _Store(self.maxsize, self.weigh))
        return store

    def resize(self, holder: Any, maxsize: int, maxweight: int | None = None) -> None:
        """Bound the store of ``holder``'s app to ``maxsize`` entries (0 caches nothing) and ``maxweight`` bytes.

        ``maxweight`` bounds a cache declared with ``weigh`` (0: no bound in bytes; None: unchanged).
        """
        store = self._store(holder)
        if store is not None:
            store.resize(max(0, maxsize), None if maxweight is None else max(0, maxweight))

    def get(self, holder: Any, key: Hashable) -> V | None:
        """Return the entry under ``key``, or None."""
        store = self._store(holder)
        return None if store is None else store.get(key)

    def put(self, holder: Any, key: Hashable, value: V) -> None:
        """Keep ``value`` under ``key`` (the least recently used entry goes past ``maxsize``)."""
        store = self._store(holder)
        if store is not None and store.maxsize > 0:
            store.put(key, value)

    def get_or_set(self, holder: Any, key: Hashable, compute: Callable[[], V]) -> V:
        """Return the entry under ``key``, computing and keeping it when missing."""
        value = self.get(holder, key)
        if value is None:
            value = compute()
            self.put(holder, key, value)
        return value

    def discard(self, holder: Any, key: Hashable) -> None:
        """Forget the entry under ``key``."""
        store = self._store(holder)
        if store is not None:
            store.pop(key)

    def clear(self, holder: Any = None) -> None:
        """Forget every entry of ``holder``'s app (the current app's by default)."""
        store = self._store(holder)
        if store is not None:
            store.clear()

    def size(self, holder: Any = None) -> int:
        """Return how many entries ``holder``'s app keeps."""
        store = self._store(holder)
        return 0 if store is None else len(store)

    def weight(self, holder: Any = None) -> int:
        """Return the bytes ``holder``'s app keeps, as ``weigh`` counts them (0 without ``weigh``)."""
        store = self._store(holder)
        return 0 if store is None else store.weight

    def _on_stale(self, sender: Any, **kwargs: Any) -> None:
        self.clear(kwargs.get("session") or sender)
