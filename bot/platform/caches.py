"""Small in-memory caches held per database, for answers that a version row in it keeps honest."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

V = TypeVar("V")


class PerDatabase(Generic[V]):
    """At most `size` values per database, the least recently used dropped first.

    Keyed by connection pool: the reader and writer engines of one `Database` share it, and a
    test's database never sees another's values. Callers check what they get against a version
    they read in the same transaction; a value computed twice by two threads is harmless.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._by_pool: weakref.WeakKeyDictionary[Any, OrderedDict[Hashable, V]] = weakref.WeakKeyDictionary()

    def _values(self, session: Session) -> OrderedDict[Hashable, V]:
        pool = session.get_bind().engine.pool
        values = self._by_pool.get(pool)
        if values is None:
            values = self._by_pool.setdefault(pool, OrderedDict())
        return values

    def get(self, session: Session, key: Hashable) -> V | None:
        with self._lock:
            values = self._values(session)
            value = values.get(key)
            if value is not None:
                values.move_to_end(key)
            return value

    def put(self, session: Session, key: Hashable, value: V) -> None:
        with self._lock:
            values = self._values(session)
            values[key] = value
            values.move_to_end(key)
            while len(values) > self.size:
                values.popitem(last=False)
