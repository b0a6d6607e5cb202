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
        return 404, json.dumps({"finance": {"error": {"code": "Not Found"}}})


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
