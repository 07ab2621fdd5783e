"""A small in-process LRU of rendered bytes, bounded by size, for pages that only change
when their plan is re-ingested (the key carries the plan's content hash and ingest time).

Entries are zlib-compressed: a plan page is mostly repetitive markup around Chinese text
and shrinks four- to sixfold, so a thousand plans fit in the default budget; inflating
costs a fraction of a millisecond against several for loading and highlighting a plan.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path


class ByteCache:
    def __init__(self, budget_bytes: int) -> None:
        self.budget = budget_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # sync routes run in a thread pool
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            packed = self._items.get(key)
            if packed is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
        return zlib.decompress(packed)

    def put(self, key: Hashable, value: bytes) -> None:
        self._put(key, zlib.compress(value, 1))

    def get_or_build(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        value = self.get(key)
        if value is None:
            value = build()  # outside the lock: two threads may build the same page once each
            self.put(key, value)
        return value

    def _put(self, key: Hashable, packed: bytes) -> None:
        if len(packed) > self.budget:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = packed
            self._size += len(packed)
            while self._size > self.budget and self._items:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        return self._size


class StoreStamp:
    """A cheap token that changes whenever the store may have changed.

    For a SQLite file: the modification times and sizes of the database and its WAL (every
    commit, from any process, appends to the WAL or rewrites the file) — two stat() calls
    instead of a query.  For a server database, whose files we cannot see: the current
    ``ttl_s``-second time bucket, so cached views are at most that old."""

    def __init__(self, database: str | None, ttl_s: float = 5.0) -> None:
        self._paths = [Path(database), Path(database + "-wal")] if database and database != ":memory:" else []
        self.ttl_s = ttl_s

    def __call__(self) -> Hashable:
        if not self._paths:
            return int(time.monotonic() // self.ttl_s)
        out: list[int] = []
        for p in self._paths:
            try:
                st = p.stat()
                out += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                out += [0, 0]
        return tuple(out)
