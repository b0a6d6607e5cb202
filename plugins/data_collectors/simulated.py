"""An offline, deterministic market feed for demos, tests and machines without network.

Prices follow a seeded random walk per symbol (daily closes anchored so that the price on
2026-01-02 is the symbol's usual level); each recent trading day is filled by a seeded Brownian
bridge at one-minute resolution, so intraday bars, live ticks and the daily bar agree. Ticks
move only during the exchange's hours, on its days (``exchange-calendars``: New York, London,
Tokyo ... each with its own holidays and early closes; FX on weekdays; crypto always). It
knows a fixed universe of real tickers (``simulated_universe.py``) and invents no other.
Everything it returns carries ``simulated=True`` and the source ``simulated``.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from naetra_tui.core.clock import utcnow
from naetra_tui.core.errors import DataUnavailable, UnknownSymbol
from naetra_tui.core.interfaces import IDataCollector
from naetra_tui.core.models import Fundamentals, MarketState, PriceHistory, Quote
from naetra_tui.core.normalize import history_from_arrays
from naetra_tui.core.resample import resample_bars
from naetra_tui.core.symbols import normalize_symbol
from naetra_tui.core.timeframes import INTRADAY_MINUTES, default_range_days

from . import simulated_research as research
from .simulated_calendars import sessions, trading_days
from .simulated_universe import KNOWN, USD_VALUE, currency_of, exchange_of, is_known_pair

SOURCE = "simulated"
EPOCH_DAY = date(2004, 1, 1)
ANCHOR_DAY = date(2026, 1, 2)
BRIDGE_DAYS = 90  # recent days whose OHLC comes from the minute-level bridge
QUOTE_BRIDGED_DAYS = 3  # what a quote reads: today, the last session, the one before
DAILY_CACHE_SIZE = 1024  # symbols' bars kept for the current minute at most

_VOLATILITY = {"EQUITY": 0.016, "ETF": 0.009, "INDEX": 0.009, "CRYPTOCURRENCY": 0.025, "CURRENCY": 0.004}
_VOLUME = {"EQUITY": 40e6, "ETF": 60e6, "INDEX": 3e9, "CRYPTOCURRENCY": 3e10, "CURRENCY": 0.0}


class SimulatedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int = 42
    """Same seed, same prices."""
    frozen_time: datetime | None = None
    """Pretend it is always this moment (tests, screenshots)."""
    speed: float = Field(1.0, gt=0)
    """Unused by the maths; kept for demos that want faster ticks later."""
    invent_unknown: bool = False
    """Answer for any ticker, inventing a company (benchmarks, demos); off: only known tickers."""


@dataclass(frozen=True)
class Profile:
    symbol: str
    name: str
    kind: str
    level: float
    volatility: float
    volume: float
    seed: int

    @property
    def currency(self) -> str:
        return currency_of(self.symbol, self.kind)

    @property
    def exchange(self) -> str | None:
        return exchange_of(self.symbol, self.kind)

    @property
    def trades_weekends(self) -> bool:
        return self.kind == "CRYPTOCURRENCY"

    @property
    def has_extended_hours(self) -> bool:
        """Pre- and post-market trading: US shares and funds."""
        return self.kind in ("EQUITY", "ETF") and self.exchange == "XNYS"

    def session(self, day: date) -> tuple[datetime, datetime] | None:
        """UTC open and close of the trading session on ``day`` (None: no session)."""
        exchange = self.exchange
        calendar = sessions(exchange) if exchange else None
        if calendar is not None:
            return calendar.session(day)
        if not self.trades_weekends and day.weekday() >= 5:
            return None
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start, start + timedelta(days=1)


def _stable_int(*parts: object) -> int:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def profile_for(symbol: str, seed: int) -> Profile:
    if symbol in KNOWN:
        name, level, kind = KNOWN[symbol]
    else:
        kind = (
            "INDEX"
            if symbol.startswith("^")
            else "CURRENCY"
            if symbol.endswith("=X")
            else "CRYPTOCURRENCY"
            if symbol.endswith("-USD")
            else "EQUITY"
        )
        level = 10.0 + (_stable_int(symbol, "level") % 49000) / 100.0
        name = f"{symbol} (simulated company)"
        if kind == "CURRENCY":
            base, quote = symbol[:3], symbol[3:6]
            if base in USD_VALUE and quote in USD_VALUE:  # a plausible rate, consistent with the others
                level, name = USD_VALUE[base] / USD_VALUE[quote], f"{base}/{quote}"
        else:  # a price of the same worth in the exchange's currency (pence in London, yen in Tokyo)
            level /= USD_VALUE.get(currency_of(symbol, kind), 1.0)
    return Profile(symbol, name, kind, level, _VOLATILITY[kind], _VOLUME[kind] or 0.0, seed)


MAX_DAYS = 12_000  # of simulated history: 2004 to about 2050


@lru_cache(maxsize=256)
def _daily_path(
    profile: Profile, last_day: date
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Daily (days, open, high, low, close, volume) from EPOCH_DAY through ``last_day``."""
    days = trading_days(profile.exchange, profile.trades_weekends, last_day, EPOCH_DAY)
    n = len(days)
    if n > MAX_DAYS:
        raise DataUnavailable(
            "simulated history does not reach that far", symbol=profile.symbol, source=SOURCE
        )
    rng = np.random.default_rng(_stable_int(profile.seed, profile.symbol, "daily"))
    # The generator's draws are sequential, so the first n rows are the same whatever
    # `last_day` is (a draw of MAX_DAYS rows would begin with these).
    shocks = rng.standard_normal((n, 4))
    vol = profile.volatility
    log_returns = shocks[:, 0] * vol
    log_close = np.cumsum(log_returns)
    anchor = int(np.searchsorted(days, np.datetime64(ANCHOR_DAY)))
    anchor = min(anchor, n - 1)
    log_close += math.log(profile.level) - log_close[anchor]
    close = np.exp(log_close)
    prev_close = np.concatenate(([close[0] / math.exp(log_returns[0])], close[:-1]))
    open_ = prev_close * np.exp(shocks[:, 1] * vol * 0.25)
    high = np.maximum(open_, close) * np.exp(np.abs(shocks[:, 2]) * vol * 0.5)
    low = np.minimum(open_, close) * np.exp(-np.abs(shocks[:, 3]) * vol * 0.5)
    volume = profile.volume * np.exp(shocks[:, 2] * 0.3)
    return days, open_, high, low, close, volume


@lru_cache(maxsize=1024)
def _bridge(profile: Profile, day: date, open_: float, close: float, minutes: int) -> np.ndarray:
    """Per-minute prices of one session from open to close (a seeded Brownian bridge)."""
    rng = np.random.default_rng(_stable_int(profile.seed, profile.symbol, day.isoformat(), "bridge"))
    steps = rng.standard_normal(minutes) * profile.volatility / math.sqrt(minutes)
    walk = np.concatenate(([0.0], np.cumsum(steps)))[:minutes]
    t = np.linspace(0.0, 1.0, minutes)
    log_path = math.log(open_) + walk - t * walk[-1] + t * (math.log(close) - math.log(open_))
    return np.exp(log_path)


class SimulatedCollector(IDataCollector):
    """Offline simulated market data (always labelled simulated)."""

    description: ClassVar[str] = "Offline simulated feed (deterministic; every value labelled simulated)"
    config_model: ClassVar[type[BaseModel]] = SimulatedConfig
    supports_batch_quotes: ClassVar[bool] = True
    supports_ranges: ClassVar[bool] = True
    supports_news: ClassVar[bool] = True
    supports_events: ClassVar[bool] = True
    supports_options: ClassVar[bool] = True
    simulated: ClassVar[bool] = True

    def __init__(self) -> None:
        self.settings = SimulatedConfig()
        self._daily_cache: dict[tuple[Profile, datetime, int, int | None], tuple[np.ndarray, ...]] = {}
        self._daily_minute: datetime | None = None

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = SimulatedConfig.model_validate(config)

    def now(self) -> datetime:
        frozen = self.settings.frozen_time
        if frozen is not None:
            return frozen if frozen.tzinfo else frozen.replace(tzinfo=UTC)
        return utcnow()  # the app's clock: frozen in snapshot tests

    def _profile(self, symbol: str) -> Profile:
        """Raises: UnknownSymbol for a ticker outside its universe (a typo must not look like a
        stock) and for an FX pair of a currency it has no level for (an invented rate would
        value a portfolio silently wrong), whatever ``invent_unknown`` says."""
        clean = normalize_symbol(symbol)
        if clean.endswith("=X") and clean not in KNOWN and not is_known_pair(clean):
            raise UnknownSymbol(f"the simulated feed has no rate for {clean}", symbol=clean, source=SOURCE)
        if clean not in KNOWN and not clean.endswith("=X") and not self.settings.invent_unknown:
            raise UnknownSymbol(
                f"unknown symbol {clean}: the simulated feed knows {len(KNOWN)} real tickers "
                "(e.g. AAPL, SAP.DE, 7203.T, BTC-USD) and invents none",
                symbol=clean,
                source=SOURCE,
            )
        return profile_for(clean, self.settings.seed)

    # --- model -----------------------------------------------------------------------------

    def _minute_bars(self, profile: Profile, day: date, daily: tuple[np.ndarray, ...], i: int, now: datetime):
        """(timestamps, prices, volumes) of day ``i`` up to ``now``; empty before the open."""
        session = profile.session(day)
        if session is None:
            return None
        start, end = session
        minutes = int((end - start).total_seconds() // 60)
        path = _bridge(profile, day, float(daily[1][i]), float(daily[4][i]), minutes)
        elapsed = minutes if now >= end else int((now - start).total_seconds() // 60) + 1
        if elapsed <= 0:
            return None
        path = path[:elapsed]
        stamps = np.datetime64(start.replace(tzinfo=None), "s") + np.arange(elapsed) * np.timedelta64(60, "s")
        rng = np.random.default_rng(_stable_int(profile.seed, profile.symbol, day.isoformat(), "volume"))
        shape = 1.0 + 2.0 * (np.linspace(-1, 1, minutes) ** 2)  # busier at open and close
        volume = float(daily[5][i]) * shape / shape.sum() * np.exp(rng.standard_normal(minutes) * 0.3)
        return stamps, path, volume[:elapsed]

    def _daily(self, profile: Profile, now: datetime, bridged: int = BRIDGE_DAYS, tail: int | None = None):
        """Daily bars through ``now``; the last (today's) bar is partial and matches the ticks.
        The last ``bridged`` days take their OHLC from the minute-level bridge (a quote needs
        only the last two: 3 instead of 90 bridges is most of a first refresh's work). With
        ``tail``, only the last ``tail`` days are kept: a quote of 3,000 symbols holds a few
        numbers each, not 20 years of bars each (1.1 GB)."""
        minute = now.replace(second=0, microsecond=0)  # bars only change once a minute
        key = (profile, minute, bridged, tail)
        cached = self._daily_cache.get(key)
        if cached is None:
            if minute != self._daily_minute or len(self._daily_cache) >= DAILY_CACHE_SIZE:
                self._daily_cache.clear()  # keep only this minute's bars: memory stays flat
                self._daily_minute = minute
            cached = self._compute_daily(profile, minute + (now - minute), bridged)
            if tail is not None:
                cached = tuple(a[-tail:].copy() for a in cached)
            self._daily_cache[key] = cached
        return tuple(a.copy() for a in cached)

    def _compute_daily(self, profile: Profile, now: datetime, bridged: int = BRIDGE_DAYS):
        days, open_, high, low, close, volume = (a.copy() for a in _daily_path(profile, now.date()))
        keep = np.ones(len(days), dtype=bool)
        for i in range(max(0, len(days) - bridged), len(days)):
            day = days[i].astype(date)
            minute = self._minute_bars(profile, day, (days, open_, high, low, close, volume), i, now)
            if minute is None:
                keep[i] = False  # today's session has not opened yet
                continue
            _, path, vols = minute
            open_[i], close[i] = path[0], path[-1]
            high[i], low[i], volume[i] = path.max(), path.min(), vols.sum()
        return days[keep], open_[keep], high[keep], low[keep], close[keep], volume[keep]

    def history(self, symbol: str, timeframe: str, days_back: int | None = None) -> PriceHistory:
        profile = self._profile(symbol)
        now = self.now()
        span = days_back or default_range_days(timeframe)
        if timeframe in INTRADAY_MINUTES:
            size = INTRADAY_MINUTES[timeframe]
            days, *cols = _daily_path(profile, now.date())
            start = now.date() - timedelta(days=span)
            chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
            for i in range(max(0, len(days) - BRIDGE_DAYS), len(days)):
                day = days[i].astype(date)
                if day < start:
                    continue
                minute = self._minute_bars(profile, day, (days, *cols), i, now)
                if minute is not None:
                    chunks.append(minute)
            if not chunks:
                raise DataUnavailable(
                    f"no simulated intraday bars for {profile.symbol}", symbol=profile.symbol, source=SOURCE
                )
            stamps = np.concatenate([c[0] for c in chunks])
            prices = np.concatenate([c[1] for c in chunks])
            volume = np.concatenate([c[2] for c in chunks])
            bars = resample_bars(
                stamps, prices, prices, prices, prices, volume, np.timedelta64(size * 60, "s")
            )
        else:
            days, open_, high, low, close, volume = self._daily(profile, now)
            first = np.datetime64(now.date() - timedelta(days=span))
            sel = days >= first
            stamps = days[sel].astype("datetime64[s]")
            bars = (stamps, open_[sel], high[sel], low[sel], close[sel], volume[sel])
            if timeframe in ("1W", "1M"):
                from naetra_tui.core.resample import resample_calendar

                bars = resample_calendar(*bars, timeframe)
        stamps, o, h, low_, c, v = bars
        return history_from_arrays(
            profile.symbol,
            timeframe,
            stamps,
            {"open": o, "high": h, "low": low_, "close": c, "volume": v},
            source=SOURCE,
            simulated=True,
        )

    def quote(self, symbol: str) -> Quote:
        profile = self._profile(symbol)
        now = self.now()
        # today (which may not have opened yet), the last session and the one before it
        days, open_, high, low, close, volume = self._daily(
            profile, now, bridged=QUOTE_BRIDGED_DAYS, tail=QUOTE_BRIDGED_DAYS
        )
        if len(days) < 2:
            raise DataUnavailable(
                f"no simulated data for {profile.symbol}", symbol=profile.symbol, source=SOURCE
            )
        last_day = days[-1].astype(date)
        session = profile.session(last_day)
        state = MarketState.CLOSED
        as_of = now
        if session is not None:
            start, end = session
            if start <= now < end:
                state = MarketState.REGULAR
            elif profile.has_extended_hours and end <= now < end + timedelta(hours=4):
                state = MarketState.POST
            if now >= end:
                as_of = end
        if state == MarketState.CLOSED and profile.has_extended_hours:
            today = profile.session(now.date())
            if today is not None and today[0] - timedelta(hours=5, minutes=30) <= now < today[0]:
                state = MarketState.PRE
        extended = None
        if state in (MarketState.PRE, MarketState.POST):  # a small move off the regular close
            wobble = _stable_int(profile.symbol, profile.seed, now.strftime("%Y%m%d%H%M")) % 2001 / 1000 - 1
            extended = round(float(close[-1]) * (1 + 0.004 * wobble), 4)
        return Quote(
            symbol=profile.symbol,
            name=profile.name,
            price=float(close[-1]),
            extended_price=extended,
            previous_close=float(close[-2]),
            open=float(open_[-1]),
            day_high=float(high[-1]),
            day_low=float(low[-1]),
            volume=float(volume[-1]) if profile.volume else None,
            currency=profile.currency,
            market_state=state,
            source=SOURCE,
            simulated=True,
            as_of=as_of,
            fetched_at=now,
        )

    # --- the interface ---------------------------------------------------------------------

    # The maths is numpy work of a few ms per symbol: it runs in a thread so that a
    # 500-symbol watchlist never stalls the event loop.

    async def get_market_data(self, symbol: str, timeframe: str) -> PriceHistory:
        return await asyncio.to_thread(self.history, symbol, timeframe)

    async def get_history(self, symbol: str, timeframe: str, days: int | None = None) -> PriceHistory:
        return await asyncio.to_thread(self.history, symbol, timeframe, days)

    async def get_quotes(self, symbols: list[str]) -> dict[str, Quote | Exception]:
        return await asyncio.to_thread(self._quotes, symbols)

    def _quotes(self, symbols: list[str]) -> dict[str, Quote | Exception]:
        results: dict[str, Quote | Exception] = {}
        for symbol in symbols:
            try:
                results[symbol] = self.quote(symbol)
            except Exception as exc:
                results[symbol] = exc
        return results

    # --- research (simulated_research.py) --------------------------------------------------

    async def get_news(self, symbol: str, limit: int = 20) -> list[dict[str, Any]]:
        profile = self._profile(symbol)
        return research.news(profile.symbol, profile.name, profile.kind, profile.seed, self.now(), limit)

    async def get_events(self, symbol: str) -> dict[str, Any]:
        profile = self._profile(symbol)
        price = self.quote(symbol).price
        return research.events(
            profile.symbol, profile.kind, price, profile.currency, profile.seed, self.now().date()
        )

    async def get_option_expirations(self, symbol: str) -> list[Any]:
        profile = self._profile(symbol)
        if profile.kind not in research.HAS_EVENTS:
            raise DataUnavailable(
                f"no simulated options on {profile.symbol}", symbol=profile.symbol, source=SOURCE
            )
        return list(research.expirations(self.now().date()))

    async def get_option_chain(self, symbol: str, expiry: date) -> dict[str, Any]:
        listed = await self.get_option_expirations(symbol)
        if expiry not in listed:
            raise DataUnavailable(
                f"no {symbol} options expire on {expiry} (listed: {', '.join(map(str, listed[:8]))})",
                symbol=symbol,
                source=SOURCE,
            )
        profile = self._profile(symbol)
        price = self.quote(symbol).price
        return research.chain(profile.symbol, price, profile.volatility, profile.seed, self.now(), expiry)

    async def get_fundamentals(self, symbol: str) -> Fundamentals:
        return await asyncio.to_thread(self.fundamentals, symbol)

    def fundamentals(self, symbol: str) -> Fundamentals:
        profile = self._profile(symbol)
        quote = self.quote(symbol)
        rng = np.random.default_rng(_stable_int(profile.seed, profile.symbol, "fundamentals"))
        _, _, high, low, _, _ = self._daily(profile, self.now())
        common: dict[str, Any] = {
            "symbol": profile.symbol,
            "source": SOURCE,
            "simulated": True,
            "quote_type": profile.kind,
            "name": profile.name,
            "currency": profile.currency,
            "fifty_two_week_high": float(high[-252:].max()),
            "fifty_two_week_low": float(low[-252:].min()),
            "description": f"Simulated data for {profile.symbol}; not real market information.",
        }
        if profile.kind != "EQUITY":
            if profile.kind == "ETF":
                common["dividend_yield"] = float(rng.uniform(0.005, 0.02))
            return Fundamentals(**common)
        shares = float(rng.uniform(0.3e9, 16e9))
        eps = quote.price / float(rng.uniform(12, 45))
        revenue = shares * quote.price / float(rng.uniform(2, 12))
        margin = float(rng.uniform(0.05, 0.35))
        return Fundamentals(
            **common,
            sector="Technology",
            industry="Simulated",
            shares_outstanding=shares,
            market_cap=shares * quote.price,
            enterprise_value=shares * quote.price * float(rng.uniform(0.95, 1.1)),
            eps_trailing=eps,
            eps_forward=eps * float(rng.uniform(0.95, 1.25)),
            pe_trailing=quote.price / eps,
            pe_forward=quote.price / (eps * 1.1),
            peg=float(rng.uniform(0.8, 3.0)),
            price_to_book=float(rng.uniform(1.5, 40)),
            price_to_sales=shares * quote.price / revenue,
            ev_to_ebitda=float(rng.uniform(8, 35)),
            revenue=revenue,
            ebitda=revenue * (margin + 0.08),
            net_income=revenue * margin,
            gross_margin=margin + float(rng.uniform(0.15, 0.4)),
            operating_margin=margin + 0.05,
            profit_margin=margin,
            return_on_equity=float(rng.uniform(0.05, 1.2)),
            return_on_assets=float(rng.uniform(0.03, 0.25)),
            revenue_growth=float(rng.uniform(-0.05, 0.4)),
            earnings_growth=float(rng.uniform(-0.1, 0.5)),
            debt_to_equity=float(rng.uniform(5, 200)),
            current_ratio=float(rng.uniform(0.8, 3.0)),
            dividend_yield=float(rng.uniform(0.0, 0.03)),
            payout_ratio=float(rng.uniform(0.0, 0.6)),
            beta=float(rng.uniform(0.7, 1.8)),
        )
