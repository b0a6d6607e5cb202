"""The headless watcher (``naetra-tui watch``): every ``alerts.watch_interval`` seconds, if this
process holds the alerts lease, refresh the quotes of the armed alerts' symbols and check them
(the same ``AlertBook.check`` the app runs); otherwise stand by. It says each change of role
once, so a log under cron or systemd reads as a story, not a wall."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...core.errors import NaetraError

if TYPE_CHECKING:
    from ..session import Session
    from .model import AlertEvent

log = logging.getLogger(__name__)


class Watcher:
    def __init__(self, session: Session, say: Callable[[str], None], interval: float | None = None) -> None:
        self.session = session
        self.say = say
        self.interval = interval or session.loaded.config.alerts.watch_interval
        self._role = ""

    def _now(self, role: str, text: str) -> None:
        if role != self._role:
            self._role = role
            self.say(text)

    async def cycle(self) -> list[AlertEvent]:
        """One check. Raises: nothing (failures are said and the next cycle tries again)."""
        book = self.session.alerts
        lease = self.session.alert_lease
        if lease is not None and lease.note:
            self._now("unshared", f"checking alerts ({lease.note})")
        try:
            await book.load()  # alerts added or removed since (alerts add/remove, the app)
            armed = sum(a.active for a in book.alerts)
            symbols = sorted({a.symbol for a in book.alerts if a.active})
            rows = await self.session.market.refresh(symbols) if symbols else {}
            events = await book.check(lambda s: rows[s].quote if s in rows else None)
        except NaetraError as exc:
            self._now("failing", f"alerts not checked: {exc}; trying again in {self.interval:g} s")
            return []
        if book.checked_elsewhere:
            self._now("standby", "another watcher (or the app) is checking these alerts; standing by")
        else:
            self._now(
                "checking",
                f"checking {armed} armed alert{'s' if armed != 1 else ''} every {self.interval:g} s",
            )
        for event in events:
            failed = {n: d for n, d in event.deliveries.items() if d != "delivered"}
            if failed:
                self.say(f"{event.message}: " + "; ".join(f"{n} {d}" for n, d in failed.items()))
        return events

    async def run(self, once: bool = False) -> None:
        while True:
            await self.cycle()
            if once:
                return
            await asyncio.sleep(self.interval)
