"""Market data: failover, Yahoo's shapes and errors, Alpha Vantage's payloads, symbols."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from naetra_tui.builtin.data_collectors.alpha_vantage import AlphaVantageCollector
from naetra_tui.builtin.data_collectors.yahoo_finance import YahooFinanceCollector
from naetra_tui.config import load_config
from naetra_tui.core.errors import DataUnavailable, InvalidSymbol, RateLimited, UnknownSymbol
from naetra_tui.core.paths import shipped_config_path
from naetra_tui.core.symbols import normalize_symbol
from naetra_tui.services.session import session_for
from tests.conftest import write
from tests.fakes.yahoo_server import FakeYahoo, default_chart, fake_yahoo, price_of

# --- symbols ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("aapl ", "AAPL"),
        ("BRK.B", "BRK.B"),
        ("^GSPC", "^GSPC"),
        ("EURUSD=X", "EURUSD=X"),
        ("btc-usd", "BTC-USD"),
    ],
)
def test_symbols_are_normalised(raw: str, clean: str) -> None:
    assert normalize_symbol(raw) == clean


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("A" * 10_000, "at most 21 characters (10000 given)"),
        ("[bold]X", "not a valid symbol"),
        (True, "quote it"),
    ],
)
def test_garbage_symbols_are_refused(raw: Any, message: str) -> None:
    with pytest.raises(InvalidSymbol, match=re.escape(message)):
        normalize_symbol(raw)


# --- failover with the shipped config, offline --------------------------------------------------


async def test_shipped_config_offline_fails_over_to_simulated_in_one_refresh() -> None:
    loaded = load_config(shipped_config_path())
    async with session_for(loaded) as session:
        rows = await session.market.refresh(loaded.config.app.watchlist)
        assert set(rows) == set(loaded.config.app.watchlist)
        for row in rows.values():
            assert row.quote is not None and row.error is None
            assert row.quote.simulated and row.quote.source == "simulated"
        assert session.market.status["yahoo_finance"].last_error  # it was tried first and said why


# --- Yahoo: a local server speaking Yahoo's JSON; yfinance's real HTTP layer talks to it ----------


@pytest.fixture
def yahoo_server() -> Any:
    with fake_yahoo() as (url, fake):
        yield url, fake


async def yahoo_for(url: str, **config: Any) -> YahooFinanceCollector:
    collector = YahooFinanceCollector()
    await collector.initialize({"base_url": url, "timeout": 5, **config})
    return collector


async def test_yahoo_batch_with_one_bad_symbol(yahoo_server: Any) -> None:
    url, fake = yahoo_server
    fake.unknown = {"NOPE"}
    yahoo = await yahoo_for(url)
    results = await yahoo.get_quotes(["AAPL", "NOPE", "MSFT"])
    assert fake.requests == ["/v7/finance/quote"]  # one request for the whole watchlist
    assert (
        results["AAPL"].price == price_of("AAPL") and results["AAPL"].previous_close == price_of("AAPL") - 1
    )
    assert results["AAPL"].market_state.value == "REG" and results["AAPL"].currency == "USD"
    assert results["MSFT"].name == "MSFT Corp"
    assert isinstance(results["NOPE"], UnknownSymbol)


async def test_yahoo_pre_and_post_market_prices_and_pence_quotes(yahoo_server: Any) -> None:
    """Yahoo's wire fields for extended hours (preMarketPrice, postMarketPrice under marketState
    PRE/POST) and its pence currency code come through; the regular price stays the regular one."""
    url, fake = yahoo_server
    fake.overrides = {
        "AAPL": {"marketState": "POST", "postMarketPrice": 191.5, "preMarketPrice": 180.0},
        "MSFT": {"marketState": "PRE", "preMarketPrice": 401.25},
        "NVDA": {"marketState": "REGULAR", "postMarketPrice": 99.0},  # stale field from yesterday
        "VOD.L": {"currency": "GBp", "marketState": "POSTPOST", "postMarketPrice": None},
    }
    yahoo = await yahoo_for(url)
    q = await yahoo.get_quotes(["AAPL", "MSFT", "NVDA", "VOD.L"])
    assert q["AAPL"].price == price_of("AAPL") and q["AAPL"].extended_price == 191.5 and q["AAPL"].extended
    assert q["MSFT"].extended_price == 401.25 and q["MSFT"].market_state.value == "PRE"
    assert q["NVDA"].extended_price is None and not q["NVDA"].extended
    assert q["VOD.L"].currency == "GBp" and q["VOD.L"].extended_price is None


async def test_yahoo_batches_large_watchlists(yahoo_server: Any) -> None:
    url, fake = yahoo_server
    yahoo = await yahoo_for(url, batch_size=100)
    symbols = [f"S{i:03d}" for i in range(250)]
    results = await yahoo.get_quotes(symbols)
    assert len(fake.requests) == 3  # the batch count, not the symbol count
    assert all(not isinstance(r, Exception) for r in results.values())


@pytest.mark.parametrize(
    ("status", "body", "error", "message"),
    [
        (429, "{}", RateLimited, "rate-limiting"),
        (500, '{"finance": {"error": "boom"}}', DataUnavailable, "HTTP 500"),
        (503, '{"finance": {"error": "busy"}}', DataUnavailable, "HTTP 503"),
        (200, "<html><body>Will be right back</body></html>", DataUnavailable, "an HTML page"),
        (200, '{"quoteResponse": {"result": [', DataUnavailable, "malformed JSON"),
    ],
)
async def test_yahoo_http_faults(
    yahoo_server: Any, status: int, body: str, error: type[Exception], message: str
) -> None:
    url, fake = yahoo_server
    fake.status, fake.body = status, body
    yahoo = await yahoo_for(url)
    with pytest.raises(error, match=message):
        await yahoo.get_quotes(["AAPL"])


async def test_yahoo_timeouts_and_refused_connections() -> None:
    with fake_yahoo(FakeYahoo(delay=2.0)) as (url, _):
        yahoo = await yahoo_for(url, timeout=0.5)
        with pytest.raises(DataUnavailable, match="did not answer within 0.5 s"):
            await yahoo.get_quotes(["AAPL"])
    yahoo = await yahoo_for("http://127.0.0.1:1")
    with pytest.raises(DataUnavailable, match="request failed"):
        await yahoo.get_quotes(["AAPL"])


async def test_yahoo_unknown_or_delisted_history(yahoo_server: Any) -> None:
    url, fake = yahoo_server
    fake.unknown = {"DELISTED"}
    yahoo = await yahoo_for(url)
    with pytest.raises(UnknownSymbol, match="No data found, symbol may be delisted"):
        await yahoo.get_history("DELISTED", "1D")


async def test_yahoo_history_cleans_null_bars_and_duplicates(yahoo_server: Any) -> None:
    url, fake = yahoo_server
    chart = default_chart("AAPL", bars=6)
    quote = chart["indicators"]["quote"][0]
    quote["close"][2] = None  # a null bar
    chart["timestamp"].append(chart["timestamp"][-1])  # a duplicated timestamp, corrected bar last
    for name in ("open", "high", "low", "volume"):
        quote[name].append(quote[name][-1])
    quote["close"].append(999.0)
    fake.charts["AAPL"] = chart
    yahoo = await yahoo_for(url)
    history = await yahoo.get_history("AAPL", "1D", 30)
    assert len(history) == 5
    assert np.all(np.diff(history.timestamps.astype(np.int64)) > 0)
    assert history.close[-1] == 999.0


async def test_yahoo_intraday_across_dst_change(yahoo_server: Any) -> None:
    url, fake = yahoo_server
    # 15:30 New York on the Friday before and the Monday after the end of DST (2026-11-01)
    before, after = 1793388600, 1793651400
    fake.charts["AAPL"] = {
        "meta": {"exchangeTimezoneName": "America/New_York"},
        "timestamp": [before, after],
        "indicators": {"quote": [{k: [1.0, 2.0] for k in ("open", "high", "low", "close", "volume")}]},
    }
    yahoo = await yahoo_for(url)
    history = await yahoo.get_history("AAPL", "1h", 5)
    assert [str(t) for t in history.timestamps] == ["2026-10-30T19:30:00", "2026-11-02T20:30:00"]


@pytest.fixture
async def yahoo() -> YahooFinanceCollector:
    collector = YahooFinanceCollector()
    await collector.initialize({"timeout": 5})
    return collector


async def test_yahoo_fundamentals_of_an_etf_keep_missing_fields_missing(
    yahoo: YahooFinanceCollector, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yfinance as yf

    class FakeTicker:
        def __init__(self, symbol: str) -> None:
            self.info = {
                "quoteType": "ETF",
                "shortName": "SPDR S&P 500",
                "trailingPE": 26.1,
                "yield": 0.012,
                "marketState": "REGULAR",
            }

    monkeypatch.setattr(yf, "Ticker", FakeTicker)
    fundamentals = await yahoo.get_fundamentals("SPY")
    assert fundamentals.quote_type == "ETF" and fundamentals.pe_trailing == 26.1
    assert fundamentals.market_cap is None and fundamentals.revenue is None  # never 0
    assert fundamentals.extra["market_state"] == "REG"


# --- Alpha Vantage through an httpx transport returning its documented payloads ----------------

KEY = "AVKEY-SECRET-123456"


def av(handler: Any) -> AlphaVantageCollector:
    return AlphaVantageCollector(transport=httpx.MockTransport(handler))


async def started_av(handler: Any) -> AlphaVantageCollector:
    collector = av(handler)
    await collector.initialize({"api_key": KEY, "requests_per_minute": 10_000})
    return collector


async def test_alpha_vantage_global_quote() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["apikey"] == KEY and request.url.params["function"] == "GLOBAL_QUOTE"
        return httpx.Response(
            200,
            json={
                "Global Quote": {
                    "01. symbol": "IBM",
                    "02. open": "230.1",
                    "03. high": "232.0",
                    "04. low": "229.5",
                    "05. price": "231.2",
                    "06. volume": "3000000",
                    "07. latest trading day": "2026-11-25",
                    "08. previous close": "None",
                    "09. change": "-",
                    "10. change percent": "-",
                }
            },
        )

    collector = await started_av(handler)
    quote = (await collector.get_quotes(["ibm"]))["IBM"]
    assert quote.price == 231.2 and quote.previous_close is None and quote.change_pct is None
    await collector.cleanup()


@pytest.mark.parametrize(
    ("payload", "status", "error", "message"),
    [
        (
            {
                "Information": "We have detected your API key as AVKEY-SECRET-123456 and our standard API rate limit is 25 requests per day."
            },
            200,
            RateLimited,
            "25 requests per day",
        ),
        (
            {
                "Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute."
            },
            200,
            RateLimited,
            "5 calls per minute",
        ),
        (
            {"Error Message": "Invalid API call. Please retry or visit the documentation."},
            200,
            UnknownSymbol,
            "Invalid API call",
        ),
        ({"Global Quote": {}}, 200, UnknownSymbol, "no quote for"),
        ("<html><body>Service Unavailable</body></html>", 200, DataUnavailable, "an HTML page"),
        ('{"Global Quote": {"05. price": ', 200, DataUnavailable, "malformed JSON"),
        ({}, 500, DataUnavailable, "HTTP 500"),
        ({}, 503, DataUnavailable, "HTTP 503"),
        ({}, 429, RateLimited, "HTTP 429"),
    ],
)
async def test_alpha_vantage_errors(
    payload: Any, status: int, error: type[Exception], message: str, caplog: pytest.LogCaptureFixture
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(payload, str):
            return httpx.Response(status, text=payload)
        return httpx.Response(status, json=payload)

    collector = await started_av(handler)
    with caplog.at_level(logging.DEBUG), pytest.raises(error) as info:
        await collector._quote("IBM")
    assert message in str(info.value)
    assert KEY not in str(info.value) and KEY not in caplog.text
    await collector.cleanup()


async def test_alpha_vantage_network_errors_never_show_the_key() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"DNS failure for {request.url}")

    collector = await started_av(handler)
    with pytest.raises(DataUnavailable) as info:
        await collector._quote("IBM")
    assert "cannot reach Alpha Vantage" in str(info.value) and KEY not in str(info.value)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out")

    collector = await started_av(slow)
    with pytest.raises(DataUnavailable, match="did not answer"):
        await collector._quote("IBM")


async def test_alpha_vantage_daily_history_parses_strings() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "Meta Data": {},
                "Time Series (Daily)": {
                    "2026-11-25": {
                        "1. open": "10",
                        "2. high": "12",
                        "3. low": "9",
                        "4. close": "11",
                        "5. volume": "100",
                    },
                    "2026-11-24": {
                        "1. open": "9",
                        "2. high": "10",
                        "3. low": "8",
                        "4. close": "-",
                        "5. volume": "90",
                    },
                    "2026-11-21": {
                        "1. open": "8",
                        "2. high": "9",
                        "3. low": "7",
                        "4. close": "8.5",
                        "5. volume": "80",
                    },
                },
            },
        )

    collector = await started_av(handler)
    history = await collector.get_market_data("IBM", "1D")
    assert history.close.tolist() == [8.5, 11.0]  # sorted, the bar without a close dropped


async def test_failover_skips_a_failing_collector_and_pauses_it(tmp_path: Path) -> None:
    from tests.conftest import write

    path = write(
        tmp_path / "c.yaml",
        "app:\n  storage: memory\nplugins:\n  data_collectors:\n"
        "    - {name: av, plugin: alpha_vantage, config: {api_key: abcdefgh, base_url: 'http://127.0.0.1:1/query', timeout: 1}}\n"
        "    - {name: sim, plugin: simulated}\n"
        "  storage:\n    - {name: memory, plugin: memory}\n",
    )
    async with session_for(load_config(path)) as session:
        rows = await session.market.refresh(["AAPL", "MSFT"])
        assert all(r.quote is not None and r.quote.simulated for r in rows.values())
        status = session.market.status["av"]
        # unreachable: per-symbol errors, the batch itself answered -> sim fills in, av not paused
        rows = await session.market.refresh(["AAPL"])
        assert rows["AAPL"].quote is not None and rows["AAPL"].quote.simulated
        assert status.name == "av"


async def test_one_malformed_item_in_a_yahoo_batch_flags_that_symbol_and_shows_the_rest(
    tmp_path: Any, yahoo_server: Any
) -> None:
    """An out-of-range trade time, a number where a name belongs, a mapping for a currency and a
    name full of escapes: each symbol is judged on its own, the simulated feed fills in for the
    unusable one, and no message repeats what the server sent."""
    url, fake = yahoo_server
    fake.overrides = {
        "MSFT": {"regularMarketTime": 10**20},
        "NVDA": {"shortName": 12345, "longName": ["x"]},
        "AMD": {"currency": {"code": "EVILVALUE"}},
        "AAPL": {"shortName": "Apple\x1b]0;pwned\x07 \u202eInc"},
    }
    yahoo = await yahoo_for(url)
    results = await yahoo.get_quotes(["AAPL", "MSFT", "NVDA", "AMD", "SPY"])
    assert isinstance(results["MSFT"], DataUnavailable) and "impossible trade time" in str(results["MSFT"])
    assert "100000000000000000000" not in str(results["MSFT"])
    assert results["NVDA"].price == price_of("NVDA") and results["NVDA"].name is None
    assert results["AMD"].price == price_of("AMD") and results["AMD"].currency is None
    assert results["AAPL"].name == "Apple Inc" and results["SPY"].name == "SPY Corp"
    config = write(
        tmp_path / "config.yaml",
        "app: {watchlist: [AAPL], storage: memory}\n"
        "plugins:\n  data_collectors:\n"
        f"    - {{name: yahoo_finance, plugin: yahoo_finance, config: {{base_url: '{url}', timeout: 5}}}}\n"
        "    - {name: simulated, plugin: simulated}\n"
        "  storage: [{name: memory, plugin: memory}]\n",
    )
    async with session_for(load_config(config)) as session:
        rows = await session.market.refresh(["AAPL", "MSFT", "NVDA"])
    assert rows["AAPL"].quote.source == "yahoo_finance" and rows["NVDA"].quote.source == "yahoo_finance"
    assert rows["MSFT"].quote is not None and rows["MSFT"].quote.source == "simulated"  # filled in, labelled
