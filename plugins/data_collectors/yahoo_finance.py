"""Yahoo Finance through yfinance.

yfinance is synchronous, so every call runs in a thread with a timeout. A refresh of the whole
watchlist is one ``yf.download`` request. yfinance hides errors (empty frames, NaN columns,
errors logged instead of raised): they become ``UnknownSymbol`` / ``DataUnavailable`` here, and
``YFRateLimitError`` becomes ``RateLimited``. Its timezone cache lives in our cache directory.
Live quotes are polled (yfinance's websocket stream is not used yet).
"""

from __future__ import annotations

import asyncio
import math
import socket
from datetime import UTC, datetime
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from naetra_tui.core.errors import DataUnavailable, RateLimited, UnknownSymbol
from naetra_tui.core.interfaces import IDataCollector
from naetra_tui.core.models import Fundamentals, Health, MarketState, PriceHistory, Quote, utcnow
from naetra_tui.core.normalize import history_from_arrays, to_float, to_fundamentals
from naetra_tui.core.symbols import normalize_symbol
from naetra_tui.core.timeframes import default_range_days

SOURCE = "yahoo_finance"
INTERVALS = {"1m": "1m", "5m": "5m", "15m": "15m", "1h": "60m", "1D": "1d", "1W": "1wk", "1M": "1mo"}
#: Yahoo serves intraday bars only this far back (days).
INTRADAY_LIMIT_DAYS = {"1m": 7, "5m": 59, "15m": 59, "1h": 729}
_MARKET_STATES = {
    "PRE": MarketState.PRE,
    "PREPRE": MarketState.PRE,
    "REGULAR": MarketState.REGULAR,
    "POST": MarketState.POST,
    "POSTPOST": MarketState.POST,
    "CLOSED": MarketState.CLOSED,
}


class YahooConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(15.0, gt=0)
    """Seconds one yfinance call may take."""
    api_key: SecretStr | None = None
    """Not needed by Yahoo; accepted so the guide's example config loads."""


def period_for(timeframe: str, days: int | None) -> str:
    """A yfinance ``period`` covering ``days`` within Yahoo's limits for the interval."""
    days = days or default_range_days(timeframe)
    days = min(days, INTRADAY_LIMIT_DAYS.get(timeframe, days))
    if days > 3653:
        return "max"
    return f"{days}d" if days < 365 else f"{math.ceil(days / 365)}y"


def frame_to_history(frame: Any, symbol: str, timeframe: str) -> PriceHistory:
    """A yfinance OHLCV frame (one ticker) into a PriceHistory (UTC, NaN rows dropped).

    Raises:
        UnknownSymbol: the frame is empty or all NaN (yfinance's way of saying "no such symbol").
    """
    if frame is None or len(frame) == 0 or "Close" not in frame or frame["Close"].isna().all():
        raise UnknownSymbol(
            f"Yahoo Finance has no data for {symbol} (unknown or delisted symbol?)",
            symbol=symbol,
            source=SOURCE,
        )
    index = frame.index
    if getattr(index, "tz", None) is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    stamps = index.to_numpy().astype("datetime64[s]")
    cols = {
        "open": frame["Open"].to_numpy(dtype=np.float64),
        "high": frame["High"].to_numpy(dtype=np.float64),
        "low": frame["Low"].to_numpy(dtype=np.float64),
        "close": frame["Close"].to_numpy(dtype=np.float64),
        "volume": frame["Volume"].to_numpy(dtype=np.float64) if "Volume" in frame else np.zeros(len(frame)),
    }
    return history_from_arrays(symbol, timeframe, stamps, cols, source=SOURCE)


def _ticker_frame(frame: Any, symbol: str, many: bool) -> Any:
    """One ticker's columns from ``yf.download``'s (ticker, field) MultiIndex."""
    columns = getattr(frame, "columns", None)
    if columns is None or len(frame) == 0:
        return None
    if getattr(columns, "nlevels", 1) == 2:
        level0 = set(columns.get_level_values(0))
        if symbol in level0:
            return frame[symbol]
        level1 = set(columns.get_level_values(1))
        if symbol in level1:
            return frame.xs(symbol, axis=1, level=1)
        return None
    return frame if not many else None


class YahooFinanceCollector(IDataCollector):
    """Yahoo Finance (delayed quotes, history, fundamentals) through yfinance."""

    description: ClassVar[str] = "Yahoo Finance via yfinance (no key needed)"
    config_model: ClassVar[type[BaseModel]] = YahooConfig
    supports_batch_quotes: ClassVar[bool] = True

    def __init__(self) -> None:
        self.settings = YahooConfig()

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = YahooConfig.model_validate(config)
        await asyncio.to_thread(self._prepare)

    @staticmethod
    def _prepare() -> None:
        import yfinance as yf

        from naetra_tui.paths import user_cache_dir

        cache = user_cache_dir() / "yfinance"
        cache.mkdir(parents=True, exist_ok=True)
        yf.set_tz_cache_location(str(cache))

    async def _thread(self, func: Any, *args: Any) -> Any:
        """Run a blocking yfinance call in a thread, with a timeout and yfinance's errors mapped.

        Raises:
            RateLimited, DataUnavailable.
        """
        from yfinance.exceptions import YFRateLimitError

        try:
            return await asyncio.wait_for(asyncio.to_thread(func, *args), self.settings.timeout)
        except YFRateLimitError:
            raise RateLimited(
                "Yahoo Finance is rate-limiting requests; retrying later", source=SOURCE
            ) from None
        except TimeoutError:
            raise DataUnavailable(
                f"Yahoo Finance did not answer within {self.settings.timeout:g} s", source=SOURCE
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DataUnavailable(
                f"Yahoo Finance request failed: {type(exc).__name__}: {exc}", source=SOURCE
            ) from None

    def _download(self, symbols: list[str], period: str, interval: str) -> Any:
        import yfinance as yf

        return yf.download(
            symbols,
            period=period,
            interval=interval,
            group_by="ticker",
            auto_adjust=False,
            progress=False,
            threads=False,
            timeout=self.settings.timeout,
            multi_level_index=True,
        )

    async def get_quotes(self, symbols: list[str]) -> dict[str, Quote | Exception]:
        """One request for the whole list (daily bars of the last days)."""
        clean = [normalize_symbol(s) for s in symbols]
        frame = await self._thread(self._download, clean, "5d", "1d")
        if frame is None or len(frame) == 0:
            raise DataUnavailable("Yahoo Finance returned nothing (network down?)", source=SOURCE)
        now = utcnow()
        results: dict[str, Quote | Exception] = {}
        for symbol in clean:
            try:
                history = frame_to_history(_ticker_frame(frame, symbol, len(clean) > 1), symbol, "1D")
            except DataUnavailable as exc:
                results[symbol] = exc
                continue
            last = -1
            results[symbol] = Quote(
                symbol=symbol,
                price=float(history.close[last]),
                previous_close=float(history.close[last - 1]) if len(history) > 1 else None,
                open=to_float(history.open[last]),
                day_high=to_float(history.high[last]),
                day_low=to_float(history.low[last]),
                volume=to_float(history.volume[last]),
                source=SOURCE,
                as_of=history.last_timestamp or now,
                fetched_at=now,
            )
        return results

    async def get_history(self, symbol: str, timeframe: str, days: int | None = None) -> PriceHistory:
        symbol = normalize_symbol(symbol)
        if timeframe not in INTERVALS:
            raise DataUnavailable(f"unknown timeframe {timeframe}", symbol=symbol, source=SOURCE)
        frame = await self._thread(
            self._download, [symbol], period_for(timeframe, days), INTERVALS[timeframe]
        )
        return frame_to_history(_ticker_frame(frame, symbol, False), symbol, timeframe)

    async def get_market_data(self, symbol: str, timeframe: str) -> PriceHistory:
        return await self.get_history(symbol, timeframe)

    async def get_fundamentals(self, symbol: str) -> Fundamentals:
        import yfinance as yf

        symbol = normalize_symbol(symbol)
        info = await self._thread(lambda: yf.Ticker(symbol).info)
        if not isinstance(info, dict) or not any(k in info for k in ("quoteType", "shortName", "longName")):
            raise UnknownSymbol(
                f"Yahoo Finance has no fundamentals for {symbol}", symbol=symbol, source=SOURCE
            )
        fundamentals = to_fundamentals(info, symbol=symbol, source=SOURCE)
        state = _MARKET_STATES.get(str(info.get("marketState", "")).upper())
        if state is not None:
            fundamentals.extra["market_state"] = state.value
        return fundamentals

    async def health_check(self) -> Health:
        try:
            await asyncio.wait_for(
                asyncio.to_thread(socket.getaddrinfo, "query1.finance.yahoo.com", 443), timeout=5
            )
        except (OSError, TimeoutError) as exc:
            return Health(
                healthy=False,
                detail=f"cannot reach Yahoo Finance ({type(exc).__name__}: {exc}); using the next collector",
            )
        return Health(healthy=True, detail="query1.finance.yahoo.com resolves", checked_at=datetime.now(UTC))
