"""In-memory storage: nothing survives the process. The last-resort fallback, and for tests."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from naetra_tui.core.interfaces import IStorage

from .common import decode, expiry, pairs


class MemoryStorage(IStorage):
    description: ClassVar[str] = "In memory only: nothing is saved when naetra-tui exits"
    supports_ttl: ClassVar[bool] = True
    atomic_batches: ClassVar[bool] = True
    supports_leases: ClassVar[bool] = True  # nothing is shared: this process always holds them
    location = "memory (not saved)"

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}

    async def initialize(self, config: dict[str, Any]) -> None:
        return None

    def _live(self, key: str) -> str | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] is not None and item[1] <= time.time():
            del self._data[key]
            return None
        return item[0]

    async def store(self, key: str, data: Any, ttl: float | None = None) -> None:
        await self.store_many([(key, data)], ttl=ttl)

    async def store_many(
        self, items: Mapping[str, Any] | Iterable[tuple[str, Any]], ttl: float | None = None
    ) -> None:
        expires = expiry(ttl)
        for key, text in pairs(items):
            self._data[key] = (text, expires)

    async def retrieve(self, key: str) -> Any:
        return copy.deepcopy(decode(self._live(key)))

    async def retrieve_many(self, keys: Sequence[str]) -> dict[str, Any]:
        live = ((key, self._live(key)) for key in keys)
        return {key: copy.deepcopy(decode(text)) for key, text in live if text is not None}

    async def delete(self, key: str) -> bool:
        return self._data.pop(key, None) is not None

    async def keys(self, prefix: str = "") -> list[str]:
        return sorted(k for k in list(self._data) if k.startswith(prefix) and self._live(k) is not None)

    async def lease(self, name: str, ttl: float) -> bool:
        return True
