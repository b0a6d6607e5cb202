"""A lag probe: the longest the asyncio event loop was kept from running a 1 ms sleep.

On Linux it also says what the loop's thread did during the longest stall: ran code (the
app's own work), waited for a CPU while every core was busy with something else (another
process: a model server on the same machine), or was blocked (page faults, the GIL, I/O).
"""

from __future__ import annotations

import asyncio
import gc
import resource
import time
from dataclasses import dataclass
from pathlib import Path

_SCHEDSTAT = Path("/proc/thread-self/schedstat")  # ns on a CPU, ns runnable but waiting, slices
_RUSAGE = getattr(resource, "RUSAGE_THREAD", resource.RUSAGE_SELF)  # the thread, on Linux


@dataclass
class Stall:
    ms: float = 0.0
    ran_ms: float = 0.0  # the loop's thread on a CPU
    cpu_wait_ms: float = 0.0  # runnable, but the cores were busy (Linux only)
    blocked_ms: float = 0.0  # neither: page faults, the GIL, I/O
    major_faults: int = 0  # pages read back from disk meanwhile

    def __str__(self) -> str:
        return (
            f"{self.ms:.1f} ms: the loop's thread ran {self.ran_ms:.1f} ms, waited {self.cpu_wait_ms:.1f} ms "
            f"for a busy CPU, was blocked {self.blocked_ms:.1f} ms ({self.major_faults} major page faults)"
        )


class LagProbe:
    """``async with LagProbe() as probe: ...`` then read ``probe.worst_ms`` (and ``probe.stall``,
    ``probe.longest_run_ms``)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.stall = Stall()  # the longest, taken apart
        #: the most CPU time the loop's thread used between two ticks of the probe: the app's
        #: own longest stretch of work, whatever else the machine was doing
        self.longest_run_ms = 0.0
        # (opened here, in the loop's thread: "thread-self" is the thread that opens it)
        self._schedstat = _SCHEDSTAT.open() if _SCHEDSTAT.exists() else None
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

    def _waited_ns(self) -> int:
        if self._schedstat is None:
            return 0
        self._schedstat.seek(0)
        return int(self._schedstat.read().split()[1])

    async def _run(self) -> None:
        while not self._stop.is_set():
            waited, ran = self._waited_ns(), time.thread_time()
            faults = resource.getrusage(_RUSAGE).ru_majflt
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            interval = time.perf_counter() - start
            ran = time.thread_time() - ran
            self.longest_run_ms = max(self.longest_run_ms, ran * 1000)
            if interval - 0.001 > self.worst:
                self.worst = interval - 0.001
                cpu_wait = (self._waited_ns() - waited) / 1e9
                blocked = max(0.0, interval - 0.001 - ran - cpu_wait)
                faults = resource.getrusage(_RUSAGE).ru_majflt - faults
                self.stall = Stall(self.worst * 1000, ran * 1000, cpu_wait * 1000, blocked * 1000, faults)

    async def __aenter__(self) -> LagProbe:
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        gc.callbacks.remove(self._on_gc)
        if self._schedstat is not None:
            self._schedstat.close()

    @property
    def worst_ms(self) -> float:
        return self.worst * 1000
