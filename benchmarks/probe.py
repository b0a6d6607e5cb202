"""A lag probe: the longest the asyncio event loop was kept from running a 1 ms sleep."""

from __future__ import annotations

import asyncio
import time


class LagProbe:
    """``async with LagProbe() as probe: ...`` then read ``probe.worst_ms``."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.perf_counter() - start - 0.001)

    async def __aenter__(self) -> LagProbe:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    @property
    def worst_ms(self) -> float:
        return self.worst * 1000
