"""A few seconds of memory for what public pages show but never decide on.

Each process keeps its own copy (nothing another process needs); entries expire after
``ttl`` seconds, and the whole memory is dropped when it grows past ``limit`` entries.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class ShortLived(Generic[V]):
    def __init__(self, ttl: float, limit: int = 10_000) -> None:
        self._ttl = ttl
        self._limit = limit
        self._kept: dict[Hashable, tuple[float, V]] = {}

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        kept = self._kept.get(key)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        value = await compute()
        if len(self._kept) >= self._limit:
            self._kept.clear()
        self._kept[key] = (time.monotonic() + self._ttl, value)
        return value

    def clear(self) -> None:
        self._kept.clear()
