"""Yahoo Finance through yfinance.

Requests go through yfinance's own HTTP layer (``yfinance.data.YfData``: curl_cffi with Yahoo's
cookie and crumb handling), which is synchronous, so every call runs in a thread with a timeout,
and parsing happens in that thread too (a 1,000-symbol refresh never stalls the event loop).

* Quotes: Yahoo's batch endpoint ``/v7/finance/quote?symbols=A,B,...`` — one request per
  ``batch_size`` symbols, not one per symbol; it gives market state and currency too.
* History: ``/v8/finance/chart/SYMBOL`` with Yahoo's intraday limits respected.
* Fundamentals: ``yf.Ticker(symbol).info`` mapped into ``Fundamentals`` (fields vary by quote
  type; a missing field stays missing, never 0).

yfinance and Yahoo hide errors (empty results, ``null`` bars, errors logged instead of raised):
an empty answer becomes ``UnknownSymbol`` / ``DataUnavailable``, HTTP 429 and
``YFRateLimitError`` become ``RateLimited``. yfinance's timezone cache lives in our cache dir.
* Live quotes: Yahoo's websocket stream through yfinance (``yahoo_stream.py``) pushes ticks
  between polls; when it cannot connect or drops, the MarketService simply keeps polling.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from urllib.parse import urlparse

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from naetra_tui.core.errors import DataUnavailable, RateLimited, UnknownSymbol
from naetra_tui.core.interfaces import IDataCollector
from naetra_tui.core.models import Fundamentals, Health, MarketState, PriceHistory, Quote, utcnow
from naetra_tui.core.normalize import history_from_arrays, to_float, to_fundamentals
from naetra_tui.core.symbols import normalize_symbol
from naetra_tui.core.text import clean_line
from naetra_tui.core.threads import run_in_daemon_thread
from naetra_tui.core.timeframes import default_range_days

from . import yahoo_research as research
from .yahoo_stream import DEFAULT_STREAM_URL
from .yahoo_stream import stream as yahoo_stream

SOURCE = "yahoo_finance"
INTERVALS = {"1m": "1m", "5m": "5m", "15m": "15m", "1h": "60m", "1D": "1d", "1W": "1wk", "1M": "1mo"}
#: Yahoo serves intraday bars only this far back (days).
INTRADAY_LIMIT_DAYS = {"1m": 7, "5m": 59, "15m": 59, "1h": 729}
_RANGES = [
    (1, "1d"),
    (5, "5d"),
    (31, "1mo"),
    (92, "3mo"),
    (183, "6mo"),
    (366, "1y"),
    (731, "2y"),
    (1827, "5y"),
    (3653, "10y"),
]
MARKET_STATES = {
    "PREPRE": MarketState.PRE,
    "PRE": MarketState.PRE,
    "REGULAR": MarketState.REGULAR,
    "POST": MarketState.POST,
    "POSTPOST": MarketState.POST,
    "CLOSED": MarketState.CLOSED,
}


class YahooConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(15.0, gt=0)
    """Seconds one request may take."""
    base_url: str = "https://query1.finance.yahoo.com"
    """Yahoo's API host (change only to point at a mirror or a test server)."""
    batch_size: int = Field(100, ge=1, le=500)
    """Symbols per quote request."""
    api_key: SecretStr | None = None
    """Not needed by Yahoo; accepted so the guide's example config loads."""
    stream: bool = True
    """Live ticks from Yahoo's websocket stream between polls (false: poll only)."""
    stream_url: str = DEFAULT_STREAM_URL
    """Yahoo's streamer (change only to point at a test server)."""


def range_for(timeframe: str, days: int | None) -> str:
    """A Yahoo ``range`` covering ``days`` within Yahoo's limits for the interval."""
    days = days or default_range_days(timeframe)
    days = min(days, INTRADAY_LIMIT_DAYS.get(timeframe, days))
    for limit, name in _RANGES:
        if days <= limit:
            return name
    return "max"


def parse_quote(item: dict[str, Any], fetched_at: datetime) -> Quote:
    """One ``quoteResponse.result`` entry into a Quote.

    Raises:
        UnknownSymbol: Yahoo listed the symbol without a price.
    """
    symbol = str(item.get("symbol", ""))
    price = to_float(item.get("regularMarketPrice"))
    if price is None:
        raise UnknownSymbol(f"Yahoo Finance has no price for {symbol}", symbol=symbol, source=SOURCE)
    stamp = to_float(item.get("regularMarketTime"))
    try:
        as_of = datetime.fromtimestamp(stamp, UTC) if stamp else fetched_at
    except (OverflowError, OSError, ValueError):
        # a time no market had: the price's age cannot be told, so the price is not shown
        raise DataUnavailable(
            f"Yahoo Finance sent an impossible trade time for {symbol}", symbol=symbol, source=SOURCE
        ) from None
    state = MARKET_STATES.get(str(item.get("marketState", "")).upper(), MarketState.UNKNOWN)
    extended = {MarketState.PRE: "preMarketPrice", MarketState.POST: "postMarketPrice"}.get(state)
    return Quote(
        symbol=symbol,
        price=price,
        extended_price=to_float(item.get(extended)) if extended else None,
        source=SOURCE,
        name=_text(item.get("shortName")) or _text(item.get("longName")),
        previous_close=to_float(item.get("regularMarketPreviousClose")),
        open=to_float(item.get("regularMarketOpen")),
        day_high=to_float(item.get("regularMarketDayHigh")),
        day_low=to_float(item.get("regularMarketDayLow")),
        volume=to_float(item.get("regularMarketVolume")),
        currency=_text(item.get("currency")),
        market_state=state,
        as_of=as_of,
        fetched_at=fetched_at,
    )


def _text(value: Any) -> str | None:
    """A text field of Yahoo's answer, cleaned (remote text), or None when it holds something
    else (a number, a list)."""
    return clean_line(value) or None if isinstance(value, str) else None


def parse_chart(payload: Any, symbol: str, timeframe: str) -> PriceHistory:
    """A ``/v8/finance/chart`` answer into a PriceHistory (UTC; null bars dropped).

    Raises:
        UnknownSymbol: Yahoo's "No data found, symbol may be delisted" or an empty result.
        DataUnavailable: an answer of another shape.
    """
    chart = payload.get("chart") if isinstance(payload, dict) else None
    if not isinstance(chart, dict):
        raise DataUnavailable(
            f"Yahoo Finance sent an unexpected answer for {symbol}", symbol=symbol, source=SOURCE
        )
    error = chart.get("error")
    results = chart.get("result") or []
    if error or not results:
        reason = error.get("description") if isinstance(error, dict) else "no data"
        raise UnknownSymbol(f"Yahoo Finance: {reason} ({symbol})", symbol=symbol, source=SOURCE)
    result = results[0]
    stamps = result.get("timestamp") or []
    quotes = (result.get("indicators") or {}).get("quote") or [{}]
    if not stamps:
        raise UnknownSymbol(
            f"Yahoo Finance has no {timeframe} bars for {symbol}", symbol=symbol, source=SOURCE
        )
    n = len(stamps)

    def column(name: str) -> np.ndarray:
        values = quotes[0].get(name) or [None] * n
        return np.array([np.nan if v is None else float(v) for v in values[:n]], dtype=np.float64)

    cols = {name: column(name) for name in ("open", "high", "low", "close", "volume")}
    times = np.array(stamps, dtype=np.int64).astype("datetime64[s]")
    return history_from_arrays(symbol, timeframe, times, cols, source=SOURCE)


class YahooFinanceCollector(IDataCollector):
    """Yahoo Finance (delayed quotes, history, fundamentals) through yfinance."""

    description: ClassVar[str] = "Yahoo Finance via yfinance (no key needed)"
    config_model: ClassVar[type[BaseModel]] = YahooConfig
    supports_batch_quotes: ClassVar[bool] = True
    supports_news: ClassVar[bool] = True
    supports_events: ClassVar[bool] = True
    supports_options: ClassVar[bool] = True

    def __init__(self) -> None:
        self.settings = YahooConfig()
        self.requests = 0  # HTTP requests made (for the status line and benchmarks)
        self.supports_streaming = True  # type: ignore[misc]  # per instance: `stream: false` turns it off

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = YahooConfig.model_validate(config)
        self.supports_streaming = self.settings.stream  # type: ignore[misc]
        await run_in_daemon_thread(self._prepare)

    def stream_quotes(self, symbols: list[str]) -> AsyncIterator[Quote]:
        """Live ticks from Yahoo's websocket stream (see ``yahoo_stream``).

        Raises:
            DataUnavailable: cannot connect, or the connection dropped.
        """
        clean = list(dict.fromkeys(normalize_symbol(s) for s in symbols))
        return yahoo_stream(self.settings.stream_url, clean, self.settings.timeout)

    @staticmethod
    def _prepare() -> None:
        import yfinance as yf

        from naetra_tui.core.paths import user_cache_dir

        cache = user_cache_dir() / "yfinance"
        cache.mkdir(parents=True, exist_ok=True)
        yf.set_tz_cache_location(str(cache))

    async def _thread(self, func: Any, *args: Any) -> Any:
        """Run blocking work in a thread with a timeout; map yfinance's and curl's errors.

        Raises:
            RateLimited, UnknownSymbol, DataUnavailable.
        """
        from yfinance.exceptions import YFRateLimitError

        try:
            return await asyncio.wait_for(run_in_daemon_thread(func, *args), self.settings.timeout)
        except (DataUnavailable, RateLimited):
            raise
        except YFRateLimitError:
            raise RateLimited(
                "Yahoo Finance is rate-limiting requests; retrying later", source=SOURCE, retry_after=60
            ) from None
        except TimeoutError:
            raise DataUnavailable(
                f"Yahoo Finance did not answer within {self.settings.timeout:g} s", source=SOURCE
            ) from None
        except Exception as exc:  # curl_cffi's DNS/connect/HTTP errors, yfinance's own
            raise DataUnavailable(f"Yahoo Finance request failed: {_describe(exc)}", source=SOURCE) from None

    def _get_json(self, path: str, params: dict[str, str]) -> Any:
        """One GET through yfinance's session (cookies, crumb). Runs in a worker thread."""
        from yfinance.data import YfData

        self.requests += 1
        response = YfData().get(self.settings.base_url + path, params=params, timeout=self.settings.timeout)
        if response.status_code == 429:
            raise RateLimited(
                "Yahoo Finance answered HTTP 429 (too many requests)", source=SOURCE, retry_after=60
            )
        try:
            payload = response.json()
        except (ValueError, json.JSONDecodeError):
            kind = "an HTML page" if response.text.lstrip().startswith("<") else "malformed JSON"
            raise DataUnavailable(
                f"Yahoo Finance sent {kind} (HTTP {response.status_code})", source=SOURCE
            ) from None
        if response.status_code >= 500:
            raise DataUnavailable(f"Yahoo Finance answered HTTP {response.status_code}", source=SOURCE)
        return payload

    async def get_quotes(self, symbols: list[str]) -> dict[str, Quote | Exception]:
        """Quotes in batches of ``batch_size`` symbols per request, parsed off the loop."""
        clean = list(dict.fromkeys(normalize_symbol(s) for s in symbols))
        size = self.settings.batch_size
        chunks = [clean[i : i + size] for i in range(0, len(clean), size)]
        results: dict[str, Quote | Exception] = {}
        for part in await asyncio.gather(*(self._thread(self._quotes_blocking, chunk) for chunk in chunks)):
            results.update(part)
        return results

    def _quotes_blocking(self, chunk: list[str]) -> dict[str, Quote | Exception]:
        payload = self._get_json("/v7/finance/quote", {"symbols": ",".join(chunk), "formatted": "false"})
        response = payload.get("quoteResponse") if isinstance(payload, dict) else None
        if not isinstance(response, dict):
            raise DataUnavailable("Yahoo Finance sent an unexpected quote answer", source=SOURCE)
        if response.get("error"):
            raise DataUnavailable(f"Yahoo Finance: {response['error']}", source=SOURCE)
        now = utcnow()
        found: dict[str, Quote | Exception] = {}
        for item in response.get("result") or []:
            if not isinstance(item, dict):
                continue
            symbol = str(item.get("symbol", "")).upper()
            try:
                found[symbol] = parse_quote(item, now)
            except (UnknownSymbol, DataUnavailable) as exc:
                found[symbol] = exc
            except (TypeError, ValueError) as exc:  # one bad item never sinks the batch
                found[symbol] = DataUnavailable(
                    f"Yahoo Finance sent a quote for {symbol} this app cannot read ({type(exc).__name__})",
                    symbol=symbol,
                    source=SOURCE,
                )
        return {
            s: found.get(s) or UnknownSymbol(f"Yahoo Finance does not know {s}", symbol=s, source=SOURCE)
            for s in chunk
        }

    async def get_history(self, symbol: str, timeframe: str, days: int | None = None) -> PriceHistory:
        symbol = normalize_symbol(symbol)
        if timeframe not in INTERVALS:
            raise DataUnavailable(f"unknown timeframe {timeframe}", symbol=symbol, source=SOURCE)
        params = {
            "range": range_for(timeframe, days),
            "interval": INTERVALS[timeframe],
            "includePrePost": "false",
        }

        def fetch() -> PriceHistory:
            return parse_chart(self._get_json(f"/v8/finance/chart/{symbol}", params), symbol, timeframe)

        return await self._thread(fetch)

    async def get_market_data(self, symbol: str, timeframe: str) -> PriceHistory:
        return await self.get_history(symbol, timeframe)

    # --- research (yahoo_research.py) -----------------------------------------------------

    async def get_news(self, symbol: str, limit: int = 20) -> list[dict[str, Any]]:
        clean = normalize_symbol(symbol)
        params = {"q": clean, "newsCount": str(max(1, min(limit, 50))), "quotesCount": "0"}
        payload = await self._thread(self._get_json, "/v1/finance/search", params)
        return research.news(payload)

    async def get_events(self, symbol: str) -> dict[str, Any]:
        clean = normalize_symbol(symbol)
        params = {"modules": "calendarEvents,summaryDetail", "formatted": "false"}
        payload = await self._thread(self._get_json, f"/v10/finance/quoteSummary/{clean}", params)
        return research.calendar(payload, clean)

    async def get_option_expirations(self, symbol: str) -> list[Any]:
        clean = normalize_symbol(symbol)
        payload = await self._thread(self._get_json, f"/v7/finance/options/{clean}", {})
        return list(research.expirations(payload, clean))

    async def get_option_chain(self, symbol: str, expiry: date) -> dict[str, Any]:
        clean = normalize_symbol(symbol)
        epoch = int(datetime(expiry.year, expiry.month, expiry.day, tzinfo=UTC).timestamp())
        payload = await self._thread(self._get_json, f"/v7/finance/options/{clean}", {"date": str(epoch)})
        return research.chain(payload, clean, expiry)

    async def get_fundamentals(self, symbol: str) -> Fundamentals:
        import yfinance as yf

        symbol = normalize_symbol(symbol)
        info = await self._thread(lambda: yf.Ticker(symbol).info)
        if not isinstance(info, dict) or not any(k in info for k in ("quoteType", "shortName", "longName")):
            raise UnknownSymbol(
                f"Yahoo Finance has no fundamentals for {symbol}", symbol=symbol, source=SOURCE
            )
        fundamentals = to_fundamentals(info, symbol=symbol, source=SOURCE)
        state = MARKET_STATES.get(str(info.get("marketState", "")).upper())
        if state is not None:
            fundamentals.extra["market_state"] = state.value
        return fundamentals

    async def health_check(self) -> Health:
        host = urlparse(self.settings.base_url).hostname or "query1.finance.yahoo.com"
        try:
            await asyncio.wait_for(run_in_daemon_thread(socket.getaddrinfo, host, 443), timeout=5)
        except (OSError, TimeoutError) as exc:
            return Health(
                healthy=False,
                detail=f"cannot reach Yahoo Finance ({_describe(exc)}); the next collector fills in",
            )
        return Health(healthy=True, detail=f"{host} resolves")


def _describe(exc: BaseException) -> str:
    text = str(exc).split(" See https://curl.se")[0]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
