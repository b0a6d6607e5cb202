"""A local HTTP server speaking Yahoo Finance's JSON (v7 quote, v8 chart), for yfinance's real
HTTP layer to talk to. Behaviour per symbol is scripted through ``FakeYahoo`` attributes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.fakes.serve import serve


def price_of(symbol: str) -> float:
    return 50.0 + sum(map(ord, symbol)) % 400


@dataclass
class FakeYahoo:
    delay: float = 0.0
    unknown: set[str] = field(default_factory=set)
    status: int | None = None  # force an HTTP status for every request
    body: str | None = None  # force a raw body (HTML, broken JSON)
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)  # symbol -> chart result
    requests: list[str] = field(default_factory=list)
    #: v7 options: the listed expiries (epoch seconds, midnight UTC) and per-symbol chains
    expiries: list[int] = field(default_factory=lambda: next_fridays(3))
    chains: dict[str, dict[str, Any]] = field(default_factory=dict)
    calendars: dict[str, dict[str, Any]] = field(default_factory=dict)  # symbol -> calendarEvents
    news: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # symbol -> search news
    lock: threading.Lock = field(default_factory=threading.Lock)
    overrides: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # symbol -> fields replaced in its quote

    def quote_item(self, symbol: str) -> dict[str, Any]:
        price = price_of(symbol)
        return {
            "symbol": symbol,
            "quoteType": "EQUITY",
            "currency": "USD",
            "marketState": "REGULAR",
            "shortName": f"{symbol} Corp",
            "regularMarketPrice": price,
            "regularMarketPreviousClose": price - 1.0,
            "regularMarketOpen": price - 0.5,
            "regularMarketDayHigh": price + 1.0,
            "regularMarketDayLow": price - 2.0,
            "regularMarketVolume": 1_000_000,
            "regularMarketTime": int(time.time()) - 5,
            "exchangeTimezoneName": "America/New_York",
        } | self.overrides.get(symbol, {})

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str]:
        if self.status is not None or self.body is not None:
            return self.status or 200, self.body if self.body is not None else "{}"
        if path == "/v7/finance/quote":
            symbols = query.get("symbols", [""])[0].split(",")
            result = [self.quote_item(s) for s in symbols if s and s not in self.unknown]
            return 200, json.dumps({"quoteResponse": {"result": result, "error": None}})
        if path.startswith("/v8/finance/chart/"):
            symbol = path.rsplit("/", 1)[1]
            if symbol in self.unknown:
                error = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
                return 404, json.dumps({"chart": {"result": None, "error": error}})
            result = self.charts.get(symbol) or default_chart(symbol)
            return 200, json.dumps({"chart": {"result": [result], "error": None}})
        if path.startswith("/v7/finance/options/"):
            return self.options(path.rsplit("/", 1)[1], query)
        if path.startswith("/v10/finance/quoteSummary/"):
            return self.quote_summary(path.rsplit("/", 1)[1])
        if path == "/v1/finance/search":
            symbol = query.get("q", [""])[0]
            news = self.news.get(symbol, default_news(symbol))
            return 200, json.dumps({"explains": [], "count": len(news), "quotes": [], "news": news})
        return 404, json.dumps({"finance": {"error": {"code": "Not Found"}}})

    def options(self, symbol: str, query: dict[str, list[str]]) -> tuple[int, str]:
        """v7 options, as yfinance's ``Ticker.option_chain`` reads it: the expiries, the
        underlying's quote, and the chain of the asked (or nearest) expiry."""
        if symbol in self.unknown:
            return 200, json.dumps({"optionChain": {"result": [], "error": None}})
        asked = int(query.get("date", [str(self.expiries[0])])[0])
        expiry = asked if asked in self.expiries else self.expiries[0]  # Yahoo answers the nearest
        chain = self.chains.get(symbol) or default_chain(symbol)
        result = {
            "underlyingSymbol": symbol,
            "expirationDates": self.expiries,
            "strikes": sorted({c["strike"] for c in chain["calls"]}),
            "hasMiniOptions": False,
            "quote": self.quote_item(symbol),
            "options": [{"expirationDate": expiry, "hasMiniOptions": False, **chain}],
        }
        return 200, json.dumps({"optionChain": {"result": [result], "error": None}})

    def quote_summary(self, symbol: str) -> tuple[int, str]:
        """v10 quoteSummary with ``calendarEvents`` and ``summaryDetail`` (``formatted=false``)."""
        if symbol in self.unknown:
            error = {"code": "Not Found", "description": "Quote not found for symbol"}
            return 404, json.dumps({"quoteSummary": {"result": None, "error": error}})
        soon = next_fridays(6)
        calendar = self.calendars.get(symbol) or {
            "earnings": {
                "earningsDate": [soon[5], soon[5] + 86400],
                "earningsAverage": 2.41,
                "earningsLow": 2.3,
            },
            "exDividendDate": soon[2],
            "dividendDate": soon[3],
        }
        detail = {"currency": "USD", "dividendRate": 1.04, "dividendYield": 0.004}
        result = {"calendarEvents": calendar, "summaryDetail": detail}
        return 200, json.dumps({"quoteSummary": {"result": [result], "error": None}})


def default_chart(symbol: str, bars: int = 30) -> dict[str, Any]:
    start = 1_760_000_000 - (1_760_000_000 % 86400) + 14 * 3600 + 1800
    stamps = [start + i * 86400 for i in range(bars)]
    closes = [price_of(symbol) + i for i in range(bars)]
    return {
        "meta": {
            "currency": "USD",
            "symbol": symbol,
            "exchangeTimezoneName": "America/New_York",
            "dataGranularity": "1d",
        },
        "timestamp": stamps,
        "indicators": {
            "quote": [
                {
                    "open": list(closes),
                    "high": [c + 1 for c in closes],
                    "low": [c - 1 for c in closes],
                    "close": list(closes),
                    "volume": [1000] * bars,
                }
            ]
        },
    }


def next_fridays(count: int) -> list[int]:
    """The next ``count`` Fridays (after today) at midnight UTC, in epoch seconds: Yahoo's expiries."""
    today = time.time() // 86400 * 86400
    days_to_friday = (4 - int(today // 86400 + 3) % 7) % 7 or 7  # 1970-01-01 was a Thursday
    return [int(today + (days_to_friday + 7 * k) * 86400) for k in range(count)]


def default_chain(symbol: str) -> dict[str, Any]:
    """Five strikes around the price, calls and puts, in Yahoo's field names."""
    price = price_of(symbol)
    step = 5.0
    centre = round(price / step) * step
    calls, puts = [], []
    for k in range(-2, 3):
        strike = centre + k * step
        call, put = max(price - strike, 0) + 2.0, max(strike - price, 0) + 2.0
        for side, fair, kind in ((calls, call, "C"), (puts, put, "P")):
            side.append({"contractSymbol": f"{symbol}261218{kind}{int(strike * 1000):08d}", "strike": strike,
                         "currency": "USD", "lastPrice": fair, "change": 0.1, "percentChange": 1.0,
                         "volume": 120 + k, "openInterest": 900 + 10 * k, "bid": round(fair - 0.05, 2),
                         "ask": round(fair + 0.05, 2), "contractSize": "REGULAR", "expiration": 1_766_016_000,
                         "lastTradeDate": 1_765_900_000, "impliedVolatility": 0.31, "inTheMoney": False})  # fmt: skip
    return {"calls": calls, "puts": puts}


def default_news(symbol: str) -> list[dict[str, Any]]:
    return [
        {"uuid": f"{symbol}-1", "title": f"{symbol} beats estimates", "publisher": "Example Wire",
         "link": f"https://finance.example.com/news/{symbol.lower()}-1.html", "providerPublishTime": 1_765_800_000,
         "type": "STORY", "relatedTickers": [symbol]},
    ]  # fmt: skip


@contextmanager
def fake_yahoo(state: FakeYahoo | None = None) -> Iterator[tuple[str, FakeYahoo]]:
    """Serve ``state`` on 127.0.0.1; yields (base_url, state)."""
    fake = state or FakeYahoo()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            with fake.lock:
                fake.requests.append(url.path)
            if fake.delay:
                time.sleep(fake.delay)
            status, body = fake.answer(url.path, parse_qs(url.query))
            data = body.encode()
            self.send_response(status)
            self.send_header(
                "Content-Type", "application/json" if body.startswith(("{", "[")) else "text/html"
            )
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return None

    with serve(Handler) as url:
        yield url, fake


def main() -> None:
    """Run the fake in its own process: ``python -m tests.fakes.yahoo_server --delay 0.2``;
    prints the base URL, serves until killed (benchmarks use this so that the server's work
    does not compete with the client for the GIL)."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    with fake_yahoo(FakeYahoo(delay=args.delay)) as (url, _):
        print(url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
