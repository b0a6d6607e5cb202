"""Research data fails over per ability (#34): the first collector that provides news (or events,
or options) answers and is named as the source; a collector without the ability is never asked;
when no enabled collector provides it, the error says which configured plugin would."""

from __future__ import annotations

from pathlib import Path

import pytest

from naetra_tui.config import load_config
from naetra_tui.core.errors import DataUnavailable, NotSupported
from naetra_tui.services.session import Phase, session_for
from tests.conftest import write
from tests.fixtures import fake_plugins

FAKE = "tests.fixtures.fake_plugins"


def config(tmp_path: Path, collectors: str) -> Path:
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\n  plugin_timeout: 2\nplugins:\n"
        f"  data_collectors:\n{collectors}"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


GUIDE = f"    - {{name: guide, class: {FAKE}.GoodCollector}}\n"
REFUSING = f"    - {{name: refusing, class: {FAKE}.NewsClaimingButRefusing}}\n"
HOSTILE = f"    - {{name: hostile, class: {FAKE}.HostileNewsCollector}}\n"
SIM = "    - {name: sim, plugin: simulated}\n"
SIM_OFF = "    - {name: sim, plugin: simulated, enabled: false}\n"


async def test_each_ability_comes_from_the_first_collector_that_has_it(tmp_path: Path) -> None:
    async with session_for(load_config(config(tmp_path, GUIDE + REFUSING + SIM)), Phase.MARKET) as session:
        news = await session.research.news("AAPL", 5)
        events = await session.research.events("AAPL")
        chain = await session.research.chain("AAPL")
    assert news and all(n.source == "sim" and n.simulated for n in news)
    assert events.source == "sim" and events.next_earnings is not None
    assert chain.source == "sim" and chain.simulated and chain.calls and chain.puts
    assert chain.underlying_price is not None
    assert sum(1 for c in chain.calls if c.greeks) == len(chain.calls)  # every call priced


async def test_a_hostile_news_source_is_cleaned_before_anything_sees_it(tmp_path: Path) -> None:
    fake_plugins.HostileNewsCollector.CALLS.clear()
    async with session_for(load_config(config(tmp_path, HOSTILE + SIM)), Phase.MARKET) as session:
        items = await session.research.news("AAPL")
    assert fake_plugins.HostileNewsCollector.CALLS == ["AAPL"]
    assert [n.source for n in items] == ["hostile", "hostile"]
    plain, hostile = items  # the one with a real time first; the future time is unknown
    assert plain.link == "https://example.com/a" and plain.published_at is not None
    assert hostile.title == "Breaking [red]news[/red]" and hostile.publisher == "P"
    assert hostile.link is None and hostile.published_at is None


async def test_no_enabled_collector_with_the_ability_says_which_plugin_would(tmp_path: Path) -> None:
    async with session_for(load_config(config(tmp_path, GUIDE + SIM_OFF)), Phase.MARKET) as session:
        for ask in (
            session.research.news("AAPL"),
            session.research.events("AAPL"),
            session.research.chain("AAPL"),
        ):
            with pytest.raises(NotSupported) as refused:
                await ask
            said = str(refused.value)
            assert "no enabled collector provides" in said
            assert "sim would: switch it on in the Plugins screen" in said
    async with session_for(load_config(config(tmp_path, GUIDE)), Phase.MARKET) as session:
        with pytest.raises(NotSupported, match="no configured collector does"):
            await session.research.news("AAPL")


async def test_an_expiry_the_source_does_not_list_is_refused_with_those_it_does(tmp_path: Path) -> None:
    from datetime import date

    async with session_for(load_config(config(tmp_path, SIM)), Phase.MARKET) as session:
        listed = await session.research.expirations("AAPL")
        with pytest.raises(DataUnavailable) as refused:
            await session.research.chain("AAPL", date(2001, 1, 1))
        assert listed[0].isoformat() in str(refused.value)
        first = await session.research.chain("AAPL", listed[1])
        assert first.expiry == listed[1]
        assert await session.research.chain("AAPL", listed[1]) is first  # cached: no refetch
        with pytest.raises(DataUnavailable, match="no simulated options on \\^GSPC"):
            await session.research.chain("^GSPC")
        index = await session.research.events("^GSPC")
        assert index.next_earnings is None and "an index" in index.note


async def test_a_watchlists_feed_merges_news_newest_first_and_says_which_symbols_failed(
    tmp_path: Path,
) -> None:
    async with session_for(load_config(config(tmp_path, SIM)), Phase.MARKET) as session:
        items, problems = await session.research.feed(["AAPL", "MSFT", "NOPE9"], limit=12)
    assert {n.symbol for n in items} == {"AAPL", "MSFT"} and len(items) == 12
    times = [n.published_at for n in items]
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]
    assert len({n.title for n in items}) == len(items)
    assert list(problems) == ["NOPE9"] and "unknown symbol NOPE9" in problems["NOPE9"]
