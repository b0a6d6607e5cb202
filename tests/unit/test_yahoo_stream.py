"""Yahoo's live stream: a local websocket server speaking Yahoo's protocol (JSON frames carrying
base64 protobuf PricingData); yfinance's client and decoder and our parsing run for real."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.builtin.data_collectors.yahoo_finance import YahooFinanceCollector
from naetra_tui.config import load_config
from naetra_tui.core.errors import DataUnavailable
from naetra_tui.core.models import MarketState, Quote
from naetra_tui.services.collector_status import merge_tick
from naetra_tui.services.session import session_for
from tests.conftest import write
from tests.fakes.yahoo_server import fake_yahoo, price_of
from tests.fakes.yahoo_stream_server import FakeStreamer, fake_streamer

MILLIS = int(datetime(2026, 11, 25, 15, 30, tzinfo=UTC).timestamp() * 1000)


async def collector(stream_url: str, base_url: str = "http://127.0.0.1:1") -> YahooFinanceCollector:
    yahoo = YahooFinanceCollector()
    await yahoo.initialize({"base_url": base_url, "stream_url": stream_url, "timeout": 3})
    return yahoo


async def first(stream: Any, count: int) -> list[Quote]:
    out = []
    async for quote in stream:
        out.append(quote)
        if len(out) == count:
            break
    await stream.aclose()
    return out


async def test_ticks_are_decoded_into_quotes_and_garbage_is_skipped() -> None:
    fake = FakeStreamer(
        {
            "AAPL": {"price": 231.5, "time": MILLIS, "change": 1.5, "market_hours": 1, "day_volume": 1200},
            "BTC-USD": {"price": 97000.0, "time": MILLIS, "change_percent": -1.0, "currency": "USD"},
        }
    )
    async with fake_streamer(fake) as (url, _):
        yahoo = await collector(url)
        stream = yahoo.stream_quotes(["aapl", "BTC-USD"])
        task = asyncio.ensure_future(first(stream, 3))
        await asyncio.wait_for(fake.subscribed.wait(), 5)
        await fake.send_raw("this is not JSON")
        await fake.send_raw('{"type": "pricing", "message": "!!not base64 protobuf!!"}')
        await fake.push(id="AAPL", price=232.0, time=MILLIS + 1000)
        quotes = await asyncio.wait_for(task, 5)
    assert [sorted(s) for s in fake.subscriptions] == [["AAPL", "BTC-USD"]]  # normalised, one message
    by_symbol = {q.symbol: q for q in quotes[:2]}
    aapl, btc = by_symbol["AAPL"], by_symbol["BTC-USD"]
    assert aapl.price == pytest.approx(231.5) and aapl.previous_close == pytest.approx(230.0)
    assert aapl.market_state is MarketState.REGULAR and aapl.volume == 1200
    assert aapl.as_of == datetime(2026, 11, 25, 15, 30, tzinfo=UTC) and aapl.source == "yahoo_finance"
    assert btc.previous_close is None and btc.currency == "USD"  # no change sent: none made up
    assert quotes[2].symbol == "AAPL" and quotes[2].price == pytest.approx(232.0)


async def test_unreachable_stream_is_a_clear_error(caplog: pytest.LogCaptureFixture) -> None:
    yahoo = await collector("ws://127.0.0.1:1/?version=2")
    with (
        caplog.at_level(logging.DEBUG),
        pytest.raises(DataUnavailable, match="cannot open Yahoo's live stream"),
    ):
        await first(yahoo.stream_quotes(["AAPL"]), 1)
    # yfinance would log a traceback for every retry; the reason is reported once, by us
    assert not [r for r in caplog.records if r.exc_info and r.name.startswith("yfinance")]


async def test_a_dropped_stream_raises_instead_of_going_silent() -> None:
    fake = FakeStreamer({"AAPL": {"price": 231.5, "time": MILLIS}})
    async with fake_streamer(fake) as (url, _):
        yahoo = await collector(url)
        stream = yahoo.stream_quotes(["AAPL"])
        assert (await stream.__anext__()).price == pytest.approx(231.5)
        fake.drop()
        with pytest.raises(DataUnavailable, match="live stream dropped|closed the connection"):
            await asyncio.wait_for(stream.__anext__(), 5)


def test_a_tick_keeps_what_it_did_not_carry() -> None:
    full = Quote(
        symbol="AAPL",
        price=230.0,
        source="yahoo_finance",
        name="Apple Inc.",
        previous_close=228.0,
        day_high=231.0,
        day_low=227.0,
        market_state=MarketState.REGULAR,
    )
    tick = Quote(symbol="AAPL", price=232.0, source="yahoo_finance")
    merged = merge_tick(full, tick)
    assert (merged.price, merged.name, merged.previous_close) == (232.0, "Apple Inc.", 228.0)
    assert (merged.day_high, merged.day_low, merged.market_state) == (232.0, 227.0, MarketState.REGULAR)
    other = Quote(symbol="AAPL", price=1.0, source="simulated")
    assert merge_tick(other, tick) == tick  # never mixed with another source's quote


async def test_market_service_streams_between_polls_and_polls_when_the_stream_drops(tmp_path: Path) -> None:
    fake = FakeStreamer({"AAPL": {"price": 500.25, "time": MILLIS, "market_hours": 1}})
    with fake_yahoo() as (base_url, http):
        async with fake_streamer(fake) as (stream_url, _):
            path = write(
                tmp_path / "config.yaml",
                "app: {watchlist: [AAPL, MSFT], storage: memory}\n"
                "plugins:\n  data_collectors:\n"
                f"    - {{name: yahoo_finance, plugin: yahoo_finance, config: {{base_url: '{base_url}', "
                f"stream_url: '{stream_url}', timeout: 3}}}}\n"
                "    - {name: simulated, plugin: simulated}\n"
                "  storage: [{name: memory, plugin: memory}]\n",
            )
            async with session_for(load_config(path)) as session:
                market = session.market
                rows = await market.refresh(["AAPL", "MSFT"])
                assert rows["AAPL"].quote.price == price_of("AAPL") and http.requests == ["/v7/finance/quote"]
                seen: list[dict[str, Any]] = []
                streams = asyncio.create_task(
                    market.run_streams(lambda: ["AAPL", "MSFT"], seen.append, flush_every=0.05)
                )
                try:
                    for _ in range(100):
                        if any("AAPL" in batch for batch in seen):
                            break
                        await asyncio.sleep(0.05)
                    assert [sorted(s) for s in fake.subscriptions] == [["AAPL", "MSFT"]]
                    aapl = market.rows["AAPL"].quote
                    assert (
                        aapl.price == pytest.approx(500.25) and aapl.name == "AAPL Corp"
                    )  # merged with the polled quote
                    assert market.status["yahoo_finance"].streaming
                    fake.drop()
                    for _ in range(100):
                        if market.status["yahoo_finance"].stream_error:
                            break
                        await asyncio.sleep(0.05)
                    status = market.status["yahoo_finance"]
                    assert not status.streaming and "live stream" in status.stream_error
                    assert market.rows["AAPL"].quote.price == pytest.approx(500.25)  # nothing lost
                    rows = await market.refresh(["AAPL", "MSFT"])  # polling carries on
                    assert (
                        rows["AAPL"].quote.price == price_of("AAPL")
                        and rows["AAPL"].quote.source == "yahoo_finance"
                    )
                finally:
                    streams.cancel()
                    await asyncio.gather(streams, return_exceptions=True)
