"""A lag probe: the longest the asyncio event loop was kept from running a 1 ms sleep."""

from __future__ import annotations

import asyncio
import gc
import time


class LagProbe:
    """``async with LagProbe() as probe: ...`` then read ``probe.worst_ms``."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # garbage collections during the probe, (generation, ms): they stall the loop too
        self.collections: list[tuple[int, float]] = []
        self._gc_started = 0.0

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.collections.append((info["generation"], (time.perf_counter() - self._gc_started) * 1000))

    def gc_summary(self) -> str:
        """e.g. "gc: 212 collections, longest 3.1 ms (generation 1)"."""
        if not self.collections:
            return "gc: none"
        generation, longest = max(self.collections, key=lambda c: c[1])
        return f"gc: {len(self.collections)} collections, longest {longest:.1f} ms (generation {generation})"

    async def _run(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.perf_counter() - start - 0.001)

    async def __aenter__(self) -> LagProbe:
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        gc.callbacks.remove(self._on_gc)

    @property
    def worst_ms(self) -> float:
        return self.worst * 1000
