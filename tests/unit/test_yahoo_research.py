"""Yahoo Finance's news, calendar and option chains (#34) through yfinance's HTTP layer against
the stand-in server (tests/fakes/yahoo_server.py), which serves Yahoo's documented v7 options,
v10 quoteSummary and v1 search shapes: parsed, checked, and failed over when Yahoo has none."""

from __future__ import annotations

from pathlib import Path

import pytest

from naetra_tui.config import load_config
from naetra_tui.core.errors import DataUnavailable
from naetra_tui.services.session import Phase, session_for
from tests.conftest import write
from tests.fakes.yahoo_server import FakeYahoo, default_chain, fake_yahoo


def config(tmp_path: Path, url: str, simulated: bool = False) -> Path:
    sim = "    - {name: simulated, plugin: simulated}\n" if simulated else ""
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\nplugins:\n  data_collectors:\n"
        f"    - {{name: yahoo_finance, plugin: yahoo_finance, config: {{base_url: '{url}', timeout: 5, stream: false}}}}\n"
        + sim
        + f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


async def test_a_chain_from_yahoo_is_parsed_checked_and_gets_greeks(tmp_path: Path) -> None:
    fake = FakeYahoo()
    hostile = default_chain("AAPL")
    hostile["calls"][0] |= {"bid": 9.0, "ask": 1.0}  # bid above ask
    hostile["puts"][0] |= {"impliedVolatility": 50.0}  # 5,000 %
    fake.chains["AAPL"] = hostile
    with fake_yahoo(fake) as (url, _):
        async with session_for(load_config(config(tmp_path, url)), Phase.MARKET) as session:
            listed = await session.research.expirations("AAPL")
            chain = await session.research.chain("AAPL", listed[1])
            with pytest.raises(DataUnavailable, match="no options expiring 2001-01-05"):
                await session.research.chain("AAPL", __import__("datetime").date(2001, 1, 5))
    assert len(listed) == 3 and chain.expiry == listed[1] and chain.source == "yahoo_finance"
    assert not chain.simulated and len(chain.calls) == len(chain.puts) == 5
    first_call = chain.calls[0]
    assert (first_call.bid, first_call.ask) == (None, None)
    assert chain.puts[0].implied_vol is None
    assert "1 contract with bid above ask (both dropped)" in chain.problems
    assert all(c.greeks for c in chain.calls[1:])  # priced from Yahoo's IV and the v7 quote
    assert any("/v7/finance/options/AAPL" in r for r in fake.requests)


async def test_switching_back_to_an_expiry_reads_no_network(tmp_path: Path) -> None:
    fake = FakeYahoo()
    with fake_yahoo(fake) as (url, _):
        async with session_for(load_config(config(tmp_path, url)), Phase.MARKET) as session:
            listed = await session.research.expirations("AAPL")
            await session.research.chain("AAPL", listed[0])
            await session.research.chain("AAPL", listed[1])
            asked = len(fake.requests)
            await session.research.chain("AAPL", listed[0])  # back: the kept chain and expiries
            await session.research.chain("AAPL", listed[1])
            assert len(fake.requests) == asked


async def test_yahoos_calendar_and_news_parse_into_events_and_headlines(tmp_path: Path) -> None:
    fake = FakeYahoo()
    fake.news["MSFT"] = [
        {"title": "\x1b[2JMSFT \u202esoars", "publisher": "Wire", "link": "file:///etc/passwd", "providerPublishTime": 1_765_800_000},
        {"title": "No time", "publisher": "Wire", "link": "https://a.example/x"},
    ]  # fmt: skip
    with fake_yahoo(fake) as (url, _):
        async with session_for(load_config(config(tmp_path, url)), Phase.MARKET) as session:
            events = await session.research.events("MSFT")
            news = await session.research.news("MSFT")
    assert events.source == "yahoo_finance" and events.next_earnings is not None
    assert events.earnings_eps_estimate == 2.41
    assert [d.amount for d in events.dividends] == [0.26]  # the annual 1.04 a quarter at a time
    assert [n.title for n in news] == ["MSFT soars", "No time"]
    assert news[0].link is None and news[1].published_at is None and news[1].link == "https://a.example/x"


async def test_a_symbol_yahoo_has_no_options_for_fails_over_to_the_next_collector(tmp_path: Path) -> None:
    with fake_yahoo(FakeYahoo(unknown={"AAPL"})) as (url, _):
        async with session_for(load_config(config(tmp_path, url, simulated=True)), Phase.MARKET) as session:
            chain = await session.research.chain("AAPL")
            events = await session.research.events("AAPL")
    assert chain.source == "simulated" and chain.simulated
    assert events.source == "simulated"
