"""Alpha Vantage over HTTPS (httpx.AsyncClient).

Every value arrives as a string ("None" / "-" mean missing). Errors arrive with HTTP 200 as
``Error Message`` (bad symbol or call), ``Note`` (per-minute throttle) or ``Information`` (daily
quota, premium endpoint); they become ``DataUnavailable`` / ``RateLimited`` carrying the
provider's reason. Requests are paced to the free tier. The API key travels in the query string,
so it is removed from every error message, and httpx's URL logging is kept below INFO.
"""

from __future__ import annotations

import asyncio
import csv
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from naetra_tui.core.errors import ConfigurationError, DataUnavailable, RateLimited, UnknownSymbol
from naetra_tui.core.interfaces import IDataCollector
from naetra_tui.core.models import Fundamentals, Health, PriceHistory, Quote, utcnow
from naetra_tui.core.normalize import history_from_arrays, to_float, to_fundamentals
from naetra_tui.core.secrets import redact, redact_logger, register_secret
from naetra_tui.core.symbols import normalize_symbol

from . import alpha_vantage_research as research

SOURCE = "alpha_vantage"
INTRADAY = {"1m": "1min", "5m": "5min", "15m": "15min", "1h": "60min"}
_OVERVIEW = {
    "Name": "name",
    "AssetType": "quote_type",
    "Sector": "sector",
    "Industry": "industry",
    "Currency": "currency",
    "Description": "description",
    "MarketCapitalization": "market_cap",
    "EBITDA": "ebitda",
    "PERatio": "pe_trailing",
    "ForwardPE": "pe_forward",
    "PEGRatio": "peg",
    "PriceToBookRatio": "price_to_book",
    "PriceToSalesRatioTTM": "price_to_sales",
    "EVToEBITDA": "ev_to_ebitda",
    "EPS": "eps_trailing",
    "RevenueTTM": "revenue",
    "ProfitMargin": "profit_margin",
    "OperatingMarginTTM": "operating_margin",
    "ReturnOnEquityTTM": "return_on_equity",
    "ReturnOnAssetsTTM": "return_on_assets",
    "QuarterlyRevenueGrowthYOY": "revenue_growth",
    "QuarterlyEarningsGrowthYOY": "earnings_growth",
    "DividendYield": "dividend_yield",
    "Beta": "beta",
    "52WeekHigh": "fifty_two_week_high",
    "52WeekLow": "fifty_two_week_low",
    "SharesOutstanding": "shares_outstanding",
    "BookValue": "book_value_per_share",
}


class AlphaVantageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_key: SecretStr
    """Your key from alphavantage.co (use ${ALPHAVANTAGE_API_KEY} in config)."""
    base_url: str = "https://www.alphavantage.co/query"
    timeout: float = Field(15.0, gt=0)
    requests_per_minute: int = Field(5, ge=1)
    """Pacing: the free tier allows 5 per minute."""
    requests_per_day: int = Field(25, ge=1)
    """Daily budget; failover moves on when it is used up."""


class AlphaVantageCollector(IDataCollector):
    description: ClassVar[str] = "Alpha Vantage (needs a free API key)"
    supports_news: ClassVar[bool] = True
    supports_events: ClassVar[bool] = True
    config_model: ClassVar[type[BaseModel]] = AlphaVantageConfig

    def __init__(self, transport: Any = None) -> None:
        self._transport = transport  # tests pass an httpx transport here
        self.client: Any = None
        self._last_request = 0.0
        self._pace = asyncio.Lock()

    async def initialize(self, config: dict[str, Any]) -> None:
        import httpx

        self.settings = AlphaVantageConfig.model_validate(config)
        key = self.settings.api_key.get_secret_value()
        if not key.strip():
            raise ConfigurationError("alpha_vantage needs an api_key (set ALPHAVANTAGE_API_KEY)")
        register_secret(key)
        redact_logger("httpx")  # httpx logs every URL, and the key is in the query string
        self.request_budget = (self.settings.requests_per_day, 86400.0)
        # a new client loads the CA bundle into an SSL context (~50 ms): not on the event loop
        self.client = await asyncio.to_thread(
            httpx.AsyncClient, timeout=self.settings.timeout, transport=self._transport
        )

    async def cleanup(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            await client.aclose()

    async def _fetch(self, function: str, symbol: str, **params: str) -> Any:
        """One API call, paced; the ``httpx.Response`` of a 2xx/3xx answer.

        Raises:
            RateLimited: HTTP 429.
            DataUnavailable: network errors and HTTP errors.
        """
        import httpx

        async with self._pace:
            gap = 60.0 / self.settings.requests_per_minute - (time.monotonic() - self._last_request)
            if gap > 0 and self._last_request:
                await asyncio.sleep(gap)
            self._last_request = time.monotonic()
        query = {"function": function, "apikey": self.settings.api_key.get_secret_value(), **params}
        if "tickers" not in params:
            query["symbol"] = symbol
        try:
            response = await self.client.get(self.settings.base_url, params=query)
        except httpx.TimeoutException:
            raise DataUnavailable(
                f"Alpha Vantage did not answer within {self.settings.timeout:g} s",
                symbol=symbol,
                source=SOURCE,
            ) from None
        except httpx.HTTPError as exc:
            raise DataUnavailable(
                f"cannot reach Alpha Vantage: {redact(str(exc)) or type(exc).__name__}",
                symbol=symbol,
                source=SOURCE,
            ) from None
        if response.status_code == 429:
            raise RateLimited("Alpha Vantage: too many requests (HTTP 429)", source=SOURCE, retry_after=60)
        if response.status_code >= 400:
            raise DataUnavailable(
                f"Alpha Vantage answered HTTP {response.status_code}", symbol=symbol, source=SOURCE
            )
        return response

    async def _query(self, function: str, symbol: str, **params: str) -> dict[str, Any]:
        """One API call answered in JSON, with every documented error shape mapped.

        Raises:
            RateLimited: ``Note`` / ``Information`` / HTTP 429.
            UnknownSymbol: ``Error Message``.
            DataUnavailable: network errors, HTTP errors, HTML or malformed JSON.
        """
        return _checked(await self._fetch(function, symbol, **params), symbol)

    def _wait_for_slot(self) -> float:
        """Seconds until pacing allows the next request."""
        if not self._last_request:
            return 0.0
        return max(0.0, 60.0 / self.settings.requests_per_minute - (time.monotonic() - self._last_request))

    async def get_quotes(self, symbols: list[str]) -> dict[str, Quote | Exception]:
        """GLOBAL_QUOTE per symbol, as far as pacing allows now: symbols that would have to wait
        come back as ``RateLimited`` so the next collector answers them this refresh."""
        results: dict[str, Quote | Exception] = {}
        for raw in symbols:
            symbol = normalize_symbol(raw)
            wait = self._wait_for_slot()
            if wait > 1.0:
                results[symbol] = RateLimited(
                    f"Alpha Vantage is paced to {self.settings.requests_per_minute}/min; next request in {wait:.0f} s",
                    source=SOURCE,
                    retry_after=wait,
                )
                continue
            try:
                results[symbol] = await self._quote(symbol)
            except RateLimited as exc:  # the provider's quota: the rest would be refused too
                for rest in symbols[symbols.index(raw) :]:
                    results.setdefault(normalize_symbol(rest), exc)
                break
            except DataUnavailable as exc:
                results[symbol] = exc
        return results

    async def _quote(self, symbol: str) -> Quote:
        payload = await self._query("GLOBAL_QUOTE", symbol)
        data = payload.get("Global Quote") or {}
        price = to_float(data.get("05. price"))
        if price is None:
            raise UnknownSymbol(f"Alpha Vantage has no quote for {symbol}", symbol=symbol, source=SOURCE)
        day = data.get("07. latest trading day")
        as_of = datetime.fromisoformat(day).replace(tzinfo=UTC) if day else utcnow()
        return Quote(
            symbol=symbol,
            price=price,
            source=SOURCE,
            previous_close=to_float(data.get("08. previous close")),
            open=to_float(data.get("02. open")),
            day_high=to_float(data.get("03. high")),
            day_low=to_float(data.get("04. low")),
            volume=to_float(data.get("06. volume")),
            as_of=as_of,
        )

    async def get_market_data(self, symbol: str, timeframe: str) -> PriceHistory:
        symbol = normalize_symbol(symbol)
        if timeframe in INTRADAY:
            payload = await self._query(
                "TIME_SERIES_INTRADAY", symbol, interval=INTRADAY[timeframe], outputsize="full"
            )
            key = f"Time Series ({INTRADAY[timeframe]})"
        elif timeframe == "1D":
            payload = await self._query("TIME_SERIES_DAILY", symbol, outputsize="full")
            key = "Time Series (Daily)"
        else:
            raise DataUnavailable(
                f"alpha_vantage does not serve {timeframe} bars", symbol=symbol, source=SOURCE
            )
        series = payload.get(key)
        if not isinstance(series, dict) or not series:
            raise UnknownSymbol(
                f"Alpha Vantage has no {timeframe} history for {symbol}", symbol=symbol, source=SOURCE
            )
        stamps = np.array([np.datetime64(t.replace(" ", "T"), "s") for t in series], dtype="datetime64[s]")
        fields = {
            "open": "1. open",
            "high": "2. high",
            "low": "3. low",
            "close": "4. close",
            "volume": "5. volume",
        }
        cols = {
            name: np.array([np.nan if (v := to_float(bar.get(f))) is None else v for bar in series.values()])
            for name, f in fields.items()
        }
        return history_from_arrays(symbol, timeframe, stamps, cols, source=SOURCE)

    async def get_fundamentals(self, symbol: str) -> Fundamentals:
        symbol = normalize_symbol(symbol)
        payload = await self._query("OVERVIEW", symbol)
        if not payload:
            raise UnknownSymbol(f"Alpha Vantage has no overview for {symbol}", symbol=symbol, source=SOURCE)
        mapped = {_OVERVIEW[k]: v for k, v in payload.items() if k in _OVERVIEW}
        return to_fundamentals(mapped, symbol=symbol, source=SOURCE)

    # --- research (alpha_vantage_research.py) ----------------------------------------------

    async def get_news(self, symbol: str, limit: int = 20) -> list[dict[str, Any]]:
        """``NEWS_SENTIMENT`` for one ticker, newest first."""
        clean = normalize_symbol(symbol)
        count = str(max(1, min(limit, 50)))
        payload = await self._query("NEWS_SENTIMENT", clean, tickers=clean, sort="LATEST", limit=count)
        return research.news(payload, clean)

    async def get_events(self, symbol: str) -> dict[str, Any]:
        """The next earnings date and EPS estimate from ``EARNINGS_CALENDAR`` (a CSV answer;
        Alpha Vantage has no dividend calendar, so dividends are not claimed)."""
        clean = normalize_symbol(symbol)
        response = await self._fetch("EARNINGS_CALENDAR", clean, horizon="3month")
        if response.text.lstrip().startswith(("{", "<")):  # errors and quota notes are JSON
            _checked(response, clean)
            raise DataUnavailable("Alpha Vantage sent no earnings calendar", symbol=clean, source=SOURCE)
        try:
            return research.earnings(response.text, clean, utcnow().date())
        except (ValueError, csv.Error):
            raise DataUnavailable(
                "Alpha Vantage sent something other than its earnings calendar", symbol=clean, source=SOURCE
            ) from None

    async def health_check(self) -> Health:
        return Health(healthy=self.client is not None, detail="paced to the free tier")


def _checked(response: Any, symbol: str) -> dict[str, Any]:
    """The JSON of an answer, or the error its documented shapes mean."""
    try:
        payload = response.json()
    except ValueError:
        kind = "an HTML page" if response.text.lstrip().startswith("<") else "malformed JSON"
        raise DataUnavailable(
            f"Alpha Vantage sent {kind} instead of data", symbol=symbol, source=SOURCE
        ) from None
    if not isinstance(payload, dict):
        raise DataUnavailable("Alpha Vantage sent an unexpected answer", symbol=symbol, source=SOURCE)
    if "Error Message" in payload:
        raise UnknownSymbol(
            f"Alpha Vantage: {redact(str(payload['Error Message']))}", symbol=symbol, source=SOURCE
        )
    for throttle in ("Note", "Information"):
        if throttle in payload:
            raise RateLimited(
                f"Alpha Vantage: {redact(str(payload[throttle]))}", source=SOURCE, retry_after=60
            )
    return payload
