"""The user's alerts: kept in storage, checked against fresh quotes and daily history, each
firing recorded (``alerts-log/``) and handed to the notifiers.

One ``AlertBook.check`` serves the app (after each refresh) and the watcher (on its schedule).
Each symbol's series are computed once per check, so a thousand alerts over two hundred symbols
cost two hundred small evaluations, not a thousand.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ...core.errors import NaetraError
from ...core.models import PriceHistory, Quote
from .evaluate import RuleValues, needs_history, quote_history, reading, with_live_price
from .model import Alert, AlertEvent, parse_alert

log = logging.getLogger(__name__)

HistoryOf = Callable[[str], Awaitable[PriceHistory | None]]
#: Firings kept in the log (the oldest go first): an alert repeating every minute for a year
#: would otherwise grow it by half a million records.
MAX_LOG = 5_000
Deliver = Callable[[Alert, AlertEvent], Awaitable[None]]


class AlertBook:
    """Args:
    state: where alerts and their log are stored (``AppState``).
    history_of: ``await history_of(symbol)`` -> daily bars, or None when there are none (rules
        that read only the price and the day's change then run on the quote alone).
    deliver: ``await deliver(alert, event)`` fills ``event.deliveries`` (the notifiers).
    lease: ``await lease()`` -> whether this process checks the alerts now (one per storage);
        when another does, ``check`` reads what it fired instead.
    clock: seconds since the epoch (tests move it).
    """

    def __init__(
        self,
        state: Any,
        history_of: HistoryOf | None = None,
        deliver: Deliver | None = None,
        lease: Callable[[], Awaitable[bool]] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state = state
        self.history_of = history_of
        self.deliver = deliver
        self.lease = lease
        self.clock = clock
        #: Another process (a watcher) held the lease at the last check.
        self.checked_elsewhere = False
        self.alerts: list[Alert] = []
        #: Stored records that could not be read (alert id -> why), shown, never dropped silently.
        self.unreadable: dict[str, str] = {}

    @property
    def counts(self) -> tuple[int, int]:
        """(armed, all)."""
        return sum(a.active for a in self.alerts), len(self.alerts)

    async def load(self) -> None:
        """Raises: StorageError."""
        alerts, self.unreadable = [], {}
        for record in await self.state.alerts():
            try:
                alerts.append(Alert.from_record(record))
            except (NaetraError, ValueError, KeyError, TypeError) as exc:
                self.unreadable[str(record.get("id", "?"))] = str(exc).splitlines()[0]
        self.alerts = alerts

    async def add(
        self,
        symbol: str,
        rule: str,
        notify: tuple[str, ...] = (),
        cooldown: float | None = None,
        expires_at: float | None = None,
    ) -> Alert:
        """Raises: RuleError, InvalidSymbol, StorageError (then the alert is not kept)."""
        alert = parse_alert(symbol, rule, notify, cooldown, expires_at)
        await self.state.save_alert(alert.id, alert.to_record())
        self.alerts.append(alert)
        return alert

    def find(self, alert_id: str) -> Alert | None:
        return next((a for a in self.alerts if a.id == alert_id), None)

    async def delete(self, alert_id: str) -> None:
        await self.state.delete_alert(alert_id)
        self.alerts = [a for a in self.alerts if a.id != alert_id]

    async def rearm(self, alert_id: str) -> None:
        alert = self.find(alert_id)
        if alert is not None:
            alert.active, alert.fired_at, alert.note = True, None, ""
            await self.state.save_alert(alert.id, alert.to_record())

    def _due(self, alert: Alert, now: float) -> bool:
        if not alert.active:
            return False
        if alert.cooldown is not None and alert.fired_at is not None:
            # a clock that jumped back (DST is not one: epoch seconds; a reset clock is) re-arms
            return not (0 <= now - alert.fired_at < alert.cooldown)
        return True

    async def _history(self, symbol: str, alerts: list[Alert], quote: Quote | None) -> PriceHistory | None:
        """Daily bars ending with the live quote; None without a quote (a rule is never checked
        on yesterday's close as if it were now)."""
        if quote is None:
            return None
        wanted = max(needs_history(a.tree) for a in alerts)
        history = None
        if wanted > 2 and self.history_of is not None:
            try:
                history = await self.history_of(symbol)
            except NaetraError as exc:
                log.info("alerts on %s: no history (%s)", symbol, exc)
        if history is not None and len(history):
            return with_live_price(history, quote)
        return quote_history(quote)

    async def check(self, quote_of: Callable[[str], Quote | None]) -> list[AlertEvent]:
        """Fire every due alert whose rule holds now; each firing is delivered, stored in the
        alert and recorded in the log. Storage failures are raised after the others are done.

        Args:
            quote_of: ``quote_of(symbol)`` -> the latest quote or None.
        """
        if self.lease is not None:  # a storage others may share: read what they changed or fired
            holding = await self.lease()
            await self.load()
            self.checked_elsewhere = not holding
            if not holding:
                return []
        now = self.clock()
        by_symbol: dict[str, list[Alert]] = {}
        expired: list[Alert] = []
        for alert in self.alerts:
            if alert.active and alert.expires_at is not None and now >= alert.expires_at:
                alert.active, alert.note = False, "expired"
                expired.append(alert)
            elif self._due(alert, now):
                by_symbol.setdefault(alert.symbol, []).append(alert)
        events: list[tuple[Alert, AlertEvent]] = []
        for symbol, alerts in by_symbol.items():
            quote = quote_of(symbol)
            history = await self._history(symbol, alerts, quote)
            if history is None:
                continue
            values = RuleValues(history)
            for alert in alerts:
                read = reading(alert.tree, values)
                if read.holds:
                    event = AlertEvent(
                        alert.id, symbol, alert.rule, now, read.values, simulated=history.simulated
                    )
                    events.append((alert, event))
        failure: NaetraError | None = None
        for alert in expired:
            try:
                await self.state.save_alert(alert.id, alert.to_record())
            except NaetraError as exc:
                failure = exc
        # Fired is stored before delivery: a watcher killed mid-delivery leaves an alert fired
        # once (its log entry says "delivering"), never one the next watcher fires again.
        for alert, event in events:
            alert.fired_at, alert.note = now, event.message
            if alert.cooldown is None:
                alert.active = False
            event.deliveries = {"(all)": "delivering"}
            failure = await self._record(alert, event) or failure
        if self.deliver is not None:
            deliver = self.deliver
            await asyncio.gather(*(deliver(alert, event) for alert, event in events))
        for _, event in events:
            failure = await self._record(None, event) or failure
        if events and failure is None:
            failure = await self._prune()
        if failure is not None:
            raise failure
        return [event for _, event in events]

    async def _prune(self) -> NaetraError | None:
        """Keep the newest ``MAX_LOG`` firings (keys sort by time)."""
        try:
            keys = sorted(await self.state.storage.keys("alerts-log/"))
            for key in keys[: max(0, len(keys) - MAX_LOG)]:
                await self.state.storage.delete(key)
        except NaetraError as exc:
            return exc
        return None

    async def _record(self, alert: Alert | None, event: AlertEvent) -> NaetraError | None:
        try:
            if alert is not None:
                await self.state.save_alert(alert.id, alert.to_record())
            await self.state.storage.store(
                f"alerts-log/{int(event.at * 1000):014d}-{event.id}", event.to_record()
            )
        except NaetraError as exc:
            return exc
        return None

    async def log(self, limit: int = 100) -> list[AlertEvent]:
        """The latest firings, newest first. Raises: StorageError."""
        keys = sorted(await self.state.storage.keys("alerts-log/"), reverse=True)[:limit]
        records = await self.state.storage.retrieve_many(keys)
        out = []
        for key in keys:
            record = records.get(key)
            try:
                out.append(AlertEvent.from_record(key.rsplit("-", 1)[-1], record))
            except (ValueError, KeyError, TypeError, AttributeError):
                log.warning("skipped a malformed alert event %s", key)
        return out
