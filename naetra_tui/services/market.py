"""MarketService: the watchlist's quotes and histories, from the first collector that has them.

* One batched ``get_quotes`` call per collector per refresh, collectors tried in config order;
  symbols a collector could not answer go on to the next one (the shipped config lists
  ``yahoo_finance`` then ``simulated``, so offline the simulated feed fills in, labelled SIM).
* After an error a collector is skipped for an exponentially growing, jittered pause (full
  jitter, capped at five minutes); a collector may declare a request budget (``request_budget``
  attribute: (requests, seconds)) that failover respects.
* Histories are cached in storage with a time-to-live per timeframe and served from the cache.
* A third-party collector may return the guide's plain dicts; they are normalised here with
  :mod:`naetra_tui.core.normalize` (accepted shapes documented there).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ..core.errors import (
    DataUnavailable,
    InvalidSymbol,
    NaetraError,
    NotSupported,
    RateLimited,
    UnknownSymbol,
)
from ..core.metrics import METRICS
from ..core.models import Fundamentals, MarketState, PriceHistory, Quote, utcnow
from ..core.normalize import to_fundamentals, to_history, to_quote
from ..core.symbols import normalize_symbol
from ..core.timeframes import INTRADAY_MINUTES, range_days
from .collector_status import CollectorStatus, backoff, failure_message, merge_tick

if TYPE_CHECKING:
    from ..plugin_host.manager import PluginManager
    from .state import AppState

T = TypeVar("T")
log = logging.getLogger(__name__)

#: Cache lifetime of a history per timeframe (seconds).
HISTORY_TTL = {"1m": 60, "5m": 300, "15m": 600, "1h": 1800, "1D": 3600, "1W": 6 * 3600, "1M": 24 * 3600}
CALL_TIMEOUT = 20.0
FUNDAMENTALS_TTL = 3600.0
MAX_CONCURRENT_HISTORY = 4


@dataclass
class QuoteRow:
    """What the watchlist shows for a symbol: the quote (if any), its staleness, or why not."""

    symbol: str
    quote: Quote | None = None
    error: str | None = None
    stale: bool = False


class MarketService:
    def __init__(
        self,
        manager: PluginManager,
        state: AppState | None = None,
        *,
        stale_after: float = 120.0,
        clock: Callable[[], datetime] = utcnow,
        call_timeout: float = CALL_TIMEOUT,
    ) -> None:
        self.manager = manager
        self.state = state
        self.stale_after = stale_after
        self.clock = clock
        self.call_timeout = call_timeout
        self.rows: dict[str, QuoteRow] = {}
        self.status: dict[str, CollectorStatus] = {}
        self.last_refresh: datetime | None = None
        self._history_slots = asyncio.Semaphore(MAX_CONCURRENT_HISTORY)
        self._listeners: list[Callable[[dict[str, QuoteRow]], None]] = []
        self._fundamentals: dict[str, tuple[float, Fundamentals]] = {}
        # set by each refresh: which collector serves which symbol may have changed, so the
        # stream loop, asleep while nothing streams, looks again
        self._refreshed = asyncio.Event()

    # --- collectors -----------------------------------------------------------------------

    def collectors(self) -> list[tuple[str, Any]]:
        """Loaded collectors in config order."""
        return self.manager.active("data_collectors")

    def _status(self, name: str, collector: Any) -> CollectorStatus:
        status = self.status.get(name)
        if status is None:
            status = CollectorStatus(name, simulated=bool(getattr(collector, "simulated", False)))
            self.status[name] = status
        return status

    def _usable(self, status: CollectorStatus, collector: Any) -> bool:
        now = time.monotonic()
        if status.paused(now):
            return False
        budget = collector.request_budget
        if budget:
            limit, window = budget
            while status.calls and status.calls[0] < now - window:
                status.calls.popleft()
            if len(status.calls) >= limit:
                return False
        return True

    def _succeeded(self, status: CollectorStatus) -> None:
        status.failures = 0
        status.last_error = None
        status.last_ok = self.clock()
        status.paused_until = 0.0

    def _failed(self, status: CollectorStatus, exc: BaseException) -> None:
        status.failures += 1
        status.last_error = failure_message(exc)
        pause = backoff(status.failures)
        if isinstance(exc, RateLimited) and exc.retry_after:
            pause = max(pause, exc.retry_after)
        status.paused_until = time.monotonic() + pause
        log.warning("collector %s failed (%s); pausing it %.0f s", status.name, status.last_error, pause)

    async def _call(self, status: CollectorStatus, coro: Any, operation: str = "call") -> Any:
        status.calls.append(time.monotonic())
        with METRICS.track("data_collectors", status.name, operation):
            return await asyncio.wait_for(coro, self.call_timeout)

    # --- quotes ---------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[dict[str, QuoteRow]], None]) -> None:
        self._listeners.append(listener)

    def is_stale(self, quote: Quote) -> bool:
        now = self.clock()
        if (now - quote.fetched_at).total_seconds() > self.stale_after:
            return True
        return (
            quote.market_state == MarketState.REGULAR
            and (now - quote.as_of).total_seconds() > self.stale_after
        )

    async def refresh(self, symbols: list[str]) -> dict[str, QuoteRow]:
        """Fetch quotes for ``symbols``: one batch per collector, failover in config order.

        Never raises for a provider's failure: each row carries its quote or its error.
        """
        wanted: list[str] = []
        order: list[str] = []  # every input, valid or not, in the order given
        for raw in symbols:
            try:
                clean = normalize_symbol(raw)
                wanted.append(clean)
                order.append(clean)
            except InvalidSymbol as exc:
                self.rows[str(raw)] = QuoteRow(str(raw), error=str(exc))
                order.append(str(raw))
        remaining = list(dict.fromkeys(wanted))
        reasons: dict[str, list[str]] = {s: [] for s in remaining}
        for name, collector in self.collectors():
            if not remaining:
                break
            status = self._status(name, collector)
            if not self._usable(status, collector):
                continue
            try:
                results = await self._call(status, collector.get_quotes(list(remaining)), "get_quotes")
            except Exception as exc:  # the whole batch failed: next collector
                self._failed(status, exc)
                for symbol in remaining:
                    reasons[symbol].append(f"{name}: {failure_message(exc)}")
                continue
            limited = (
                [r for r in results.values() if isinstance(r, RateLimited)]
                if isinstance(results, dict)
                else []
            )
            if limited and len(limited) == len(results):
                self._failed(status, limited[0])  # quota gone for the whole batch: pause it
            else:
                self._succeeded(status)
            answered = self._take_results(name, collector, results, reasons)
            remaining = [s for s in remaining if s not in answered]
        for symbol in remaining:
            previous = self.rows.get(symbol)
            why = "; ".join(reasons[symbol]) or "no data collector is running (see the Plugins screen)"
            self.rows[symbol] = QuoteRow(symbol, previous.quote if previous else None, why, stale=True)
        for symbol in wanted:
            row = self.rows[symbol]
            if row.quote is not None and row.error is None:
                row.stale = self.is_stale(row.quote)
        self.last_refresh = self.clock()
        self._refreshed.set()
        snapshot = {s: self.rows[s] for s in order}
        for listener in list(self._listeners):
            listener(snapshot)
        return snapshot

    def _take_results(
        self, name: str, collector: Any, results: Any, reasons: dict[str, list[str]]
    ) -> set[str]:
        answered: set[str] = set()
        simulated = bool(getattr(collector, "simulated", False))
        if not isinstance(results, dict):
            return answered
        for symbol, result in results.items():
            key = str(symbol).upper()
            if key not in reasons:
                continue
            if isinstance(result, BaseException):
                # a source that knows the symbol does not exist says the most: first, in its own
                # words (a row's name column shows the start of the reason: "unknown symbol ...")
                if isinstance(result, UnknownSymbol):
                    reasons[key].insert(0, f"{failure_message(result)} ({name})")
                else:
                    reasons[key].append(f"{name}: {failure_message(result)}")
                continue
            try:
                quote = to_quote(result, symbol=key, source=name, simulated=simulated)
            except DataUnavailable as exc:
                reasons[key].append(f"{name}: {exc}")
                continue
            if simulated and not quote.simulated:
                quote = quote.model_copy(update={"simulated": True})
            self.rows[key] = QuoteRow(key, quote)
            answered.add(key)
        return answered

    # --- live streams ---------------------------------------------------------------------

    async def run_streams(
        self,
        symbols: Callable[[], list[str]],
        on_rows: Callable[[dict[str, QuoteRow]], None],
        flush_every: float = 0.25,
        idle_check: float = 5.0,
    ) -> None:
        """Until cancelled: stream live ticks from every collector that can, for the symbols it
        currently serves (the polling decides who serves what), and hand the changed rows to
        ``on_rows`` at most every ``flush_every`` seconds. A stream that fails is retried with
        backoff; polling never stops, so a dead stream only means ticks arrive at poll pace."""
        running: dict[str, tuple[frozenset[str], asyncio.Task[None]]] = {}
        pending: dict[str, QuoteRow] = {}
        try:
            while True:
                self._refreshed.clear()  # before the plan: a refresh from now on wakes the wait below
                plan = self._stream_plan(symbols())
                for name, (wanted, task) in list(running.items()):
                    if task.done() or name not in plan or plan[name][1] != wanted:
                        task.cancel()
                        del running[name]
                for name, (collector, wanted) in plan.items():
                    if name not in running:
                        task = asyncio.create_task(self._stream_one(name, collector, wanted, pending))
                        running[name] = (wanted, task)
                if pending:
                    batch = dict(pending)
                    pending.clear()
                    on_rows(batch)
                if running:
                    await asyncio.sleep(flush_every)
                else:  # nothing streams (offline, or no collector can): wait for a refresh
                    # (asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel
                    # that arrives as the event is set, and the loop would never stop)
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(idle_check):
                            await self._refreshed.wait()
        finally:
            for _, task in running.values():
                task.cancel()
            await asyncio.gather(*(task for _, task in running.values()), return_exceptions=True)

    def _stream_plan(self, symbols: list[str]) -> dict[str, tuple[Any, frozenset[str]]]:
        """Collector name -> (collector, symbols whose current quote it supplied)."""
        now = time.monotonic()
        plan: dict[str, tuple[Any, frozenset[str]]] = {}
        for name, collector in self.collectors():
            if not getattr(collector, "supports_streaming", False):
                continue
            status = self._status(name, collector)
            if now < status.stream_retry_at:
                continue
            served = frozenset(
                s
                for s in symbols
                if (row := self.rows.get(s)) is not None
                and row.quote is not None
                and row.quote.source == name
            )
            if served:
                plan[name] = (collector, served)
        return plan

    async def _stream_one(
        self, name: str, collector: Any, symbols: frozenset[str], pending: dict[str, QuoteRow]
    ) -> None:
        status = self._status(name, collector)
        try:
            async for tick in collector.stream_quotes(sorted(symbols)):
                quote = to_quote(tick, symbol=getattr(tick, "symbol", "?"), source=name)
                if quote.symbol not in symbols:
                    continue
                previous = self.rows.get(quote.symbol)
                merged = merge_tick(previous.quote if previous else None, quote)
                row = QuoteRow(quote.symbol, merged, stale=self.is_stale(merged))
                self.rows[quote.symbol] = pending[quote.symbol] = row
                status.streaming, status.stream_error, status.stream_failures = True, None, 0
                status.ticks += 1
            raise DataUnavailable(f"the live stream of {name} ended", source=name)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # cannot connect / dropped: poll meanwhile, retry later
            status.stream_failures += 1
            status.stream_error = failure_message(exc)
            status.stream_retry_at = time.monotonic() + backoff(status.stream_failures)
            log.info("live stream of %s unavailable (%s); polling meanwhile", name, status.stream_error)
        finally:
            status.streaming = False

    # --- history and fundamentals ---------------------------------------------------------

    async def history(
        self, symbol: str, timeframe: str = "1D", range_name: str | None = None
    ) -> PriceHistory:
        """A symbol's bars, from the cache when fresh, else from the first collector that has them.

        Raises:
            InvalidSymbol: not a symbol.
            DataUnavailable: no collector has bars for it (the message lists each one's reason).
        """
        symbol = normalize_symbol(symbol)
        days = range_days(range_name) if range_name else None
        if self.state is not None:
            try:
                cached = await self.state.cached_history(symbol, timeframe, range_name or "default")
            except NaetraError:
                cached = None
            if cached is not None:
                return _trim(cached, days)
        reasons: list[str] = []
        async with self._history_slots:
            for name, collector in self.collectors():
                status = self._status(name, collector)
                if not self._usable(status, collector):
                    reasons.append(f"{name}: paused after errors")
                    continue
                try:
                    raw = await self._call(
                        status, collector.get_history(symbol, timeframe, _fetch_days(timeframe, days))
                    )
                    history = to_history(
                        raw,
                        symbol=symbol,
                        timeframe=timeframe,
                        source=name,
                        simulated=bool(getattr(collector, "simulated", False)),
                    )
                except UnknownSymbol as exc:
                    reasons.append(f"{name}: {exc}")
                    continue
                except Exception as exc:
                    if not isinstance(exc, DataUnavailable):
                        self._failed(status, exc)
                    reasons.append(f"{name}: {failure_message(exc)}")
                    continue
                self._succeeded(status)
                if self.state is not None:
                    try:
                        await self.state.cache_history(
                            history, HISTORY_TTL.get(timeframe, 600), range_name or "default"
                        )
                    except NaetraError as exc:
                        log.warning("could not cache history of %s: %s", symbol, exc)
                return _trim(history, days)
        raise DataUnavailable(
            f"no price history for {symbol} ({timeframe}): "
            + ("; ".join(reasons) or "no data collector is running"),
            symbol=symbol,
        )

    async def fundamentals(self, symbol: str) -> Fundamentals:
        """Fundamentals, kept in memory for ``FUNDAMENTALS_TTL`` seconds (they change slowly).

        Raises: InvalidSymbol, DataUnavailable (with each collector's reason).
        """
        symbol = normalize_symbol(symbol)
        cached = self._fundamentals.get(symbol)
        if cached is not None and time.monotonic() - cached[0] < FUNDAMENTALS_TTL:
            return cached[1]
        fundamentals = await self._fetch_fundamentals(symbol)
        self._fundamentals[symbol] = (time.monotonic(), fundamentals)
        return fundamentals

    async def _fetch_fundamentals(self, symbol: str) -> Fundamentals:
        async def fetch(name: str, collector: Any) -> Fundamentals:
            raw = await collector.get_fundamentals(symbol)
            return to_fundamentals(raw, symbol=symbol, source=name, simulated=bool(collector.simulated))

        return (await self.first_answer(f"fundamentals for {symbol}", fetch, symbol=symbol))[0]

    async def first_answer(
        self,
        what: str,
        call: Callable[[str, Any], Awaitable[T]],
        *,
        ability: str = "",
        symbol: str | None = None,
    ) -> tuple[T, str]:
        """The first usable collector's answer, in the failover order, and its name. With
        ``ability`` (a class flag such as ``supports_news``) only collectors that claim it are
        asked, and one that raises ``NotSupported`` is passed over.

        Raises: NotSupported (no collector claims ``ability``), DataUnavailable (each reason).
        """
        reasons: list[str] = []
        for name, collector in self.collectors():
            if ability and not getattr(collector, ability, False):
                continue
            status = self._status(name, collector)
            if not self._usable(status, collector):
                reasons.append(f"{name}: paused after errors")
                continue
            try:
                return await self._call(status, call(name, collector), what), name
            except NotSupported:
                continue
            except Exception as exc:
                reasons.append(f"{name}: {failure_message(exc)}")
        if not reasons and ability:
            raise NotSupported(f"no enabled collector provides {what}", symbol=symbol)
        raise DataUnavailable(f"no {what}: " + ("; ".join(reasons) or "no collector"), symbol=symbol)


def _fetch_days(timeframe: str, days: int | None) -> int | None:
    if days is None:
        return None
    return max(days, 5) if timeframe in INTRADAY_MINUTES else max(days, 1)


def _trim(history: PriceHistory, days: int | None) -> PriceHistory:
    """Keep the last ``days`` calendar days of bars (counted back from the last bar)."""
    import numpy as np

    if days is None or not len(history):
        return history
    cutoff = history.timestamps[-1] - np.timedelta64(days, "D")
    keep = history.timestamps > cutoff
    if keep.all():
        return history
    from dataclasses import replace

    return replace(
        history,
        timestamps=history.timestamps[keep],
        open=history.open[keep],
        high=history.high[keep],
        low=history.low[keep],
        close=history.close[keep],
        volume=history.volume[keep],
    )
