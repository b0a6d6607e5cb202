"""Who checks the alerts: one process per storage at a time — a watcher, or the app — holding
the storage's lease (``IStorage.lease``: a PostgreSQL advisory lock, a Redis key with an
expiry, a file lock beside SQLite). The others stand by and read what it fired; when it dies
the lease passes on by the storage's own means, and one of them takes over."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from ...core.errors import NaetraError

log = logging.getLogger(__name__)

LEASE = "alerts-evaluator"
MIN_TTL = 15.0


class EvaluatorLease:
    """Args:
    storage: the storage plugin (not its journal wrapper).
    ttl: seconds an unrenewed lease lives (Redis); at least three of the holder's intervals.
    """

    def __init__(
        self, storage: Any, ttl: float = MIN_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.storage = storage
        self.ttl = max(MIN_TTL, ttl)
        self.clock = clock
        self.holding = False
        self._held_at = 0.0
        #: Why leases are not used, when they are not (said once by the front end).
        self.note = ""
        if storage is None or not getattr(storage, "supports_leases", False):
            name = type(storage).__name__ if storage is not None else "no storage"
            self.note = f"{name} has no leases: run one watcher (or the app) per storage"

    async def held(self) -> bool:
        """Take or renew the lease; True while this process should check the alerts."""
        if self.note:
            return True
        try:
            self.holding = await self.storage.lease(LEASE, self.ttl)
        except NaetraError as exc:
            # the storage is unreachable: a holder carries on for the lease's life (its events
            # are journaled and land when the storage returns); after that it stops
            still = self.holding and self.clock() - self._held_at < self.ttl
            log.warning("alerts lease: %s (%s)", exc, "carrying on" if still else "not checking")
            return still
        if self.holding:
            self._held_at = self.clock()
        return self.holding

    async def release(self) -> None:
        if not self.note and self.holding:
            self.holding = False
            try:
                await self.storage.release_lease(LEASE)
            except Exception as exc:  # a clean stop must not fail on its way out
                log.info("alerts lease not released: %s", exc)
