"""The Session, the one composition root: start order, partial failure and shutdown, headless
(no Textual), and that no front end builds services of its own."""

from __future__ import annotations

import ast
import asyncio
import json
import time
from pathlib import Path

import pytest

from naetra_tui.config import load_config
from naetra_tui.core.models import PluginState
from naetra_tui.services.session import Phase, Session, SessionNotStarted, session_for
from tests.conftest import write
from tests.fixtures import fake_plugins
from tests.integration.test_pending_writes import fill_until_full, make_room

FAKE = "tests.fixtures.fake_plugins"


def config(tmp_path: Path, collectors: str, storage: str = "sqlite", extra: str = "") -> Path:
    return write(
        tmp_path / "c.yaml",
        f"app:\n  storage: {storage}\n  plugin_timeout: 0.5\nplugins:\n"
        f"  data_collectors:\n{collectors}"
        f"  analyzers:\n    - {{name: rec, class: {FAKE}.RecordingAnalyzer, config: {{tag: a}}}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n"
        "    - {name: postgres, plugin: postgres, config: {dsn: 'postgresql://nobody@127.0.0.1:1/none'}}\n"
        + extra,
    )


GOOD = f"    - {{name: good, class: {FAKE}.GoodCollector, config: {{tag: c}}}}\n"
SIM = "    - {name: sim, plugin: simulated}\n"


async def test_phases_run_in_the_apps_order_and_build_their_services(tmp_path: Path) -> None:
    fake_plugins.EVENTS.clear()
    session = Session(load_config(config(tmp_path, GOOD + SIM)))
    try:
        with pytest.raises(SessionNotStarted, match="storage phase"):
            _ = session.state
        await session.open_storage()
        assert session.state is not None and session.watchlists is not None
        assert fake_plugins.EVENTS == []  # no collector before storage: toggles live there
        with pytest.raises(SessionNotStarted, match="market phase"):
            _ = session.market
        await session.start_collectors()
        assert fake_plugins.EVENTS == ["init:c"]  # the analyzers wait for the first prices
        await session.start_market()
        rows = await session.market.refresh(["AAPL"])
        assert rows["AAPL"].quote is not None
        assert session.portfolio.lots == []
        with pytest.raises(SessionNotStarted, match="all phase"):
            _ = session.chat
        await session.start_rest()
        assert fake_plugins.EVENTS == ["init:c", "init-analyzer:a"]
        assert session.analysis is not None and session.chat is not None and session.alerts.alerts == []
        assert session.phase is Phase.ALL
        await session.start()  # every phase runs once: starting again changes nothing
        assert fake_plugins.EVENTS == ["init:c", "init-analyzer:a"]
    finally:
        await session.close()
    assert fake_plugins.EVENTS[-1] == "cleanup:c"


async def test_a_later_phase_runs_the_earlier_ones_first(tmp_path: Path) -> None:
    fake_plugins.EVENTS.clear()
    async with session_for(load_config(config(tmp_path, GOOD)), Phase.MARKET) as session:
        assert session.phase is Phase.MARKET
        assert fake_plugins.EVENTS == ["init:c"]  # quote and history start no analyzer or LLM
        with pytest.raises(SessionNotStarted):
            _ = session.analysis


async def test_storage_down_falls_back_and_says_so_without_stopping_start_up(tmp_path: Path) -> None:
    loaded = load_config(config(tmp_path, SIM, storage="postgres"))
    async with session_for(loaded) as session:
        assert session.storage.name == "sqlite" and session.storage.warning
        assert session.notices == [session.storage.warning]
        assert "Not saving to 'postgres'" in session.notices[0]
        await session.state.add_symbol("Default", "MSFT")  # the fallback keeps what the user does
        assert session.manager.records["data_collectors/sim"].state is PluginState.READY


async def test_a_hanging_collector_is_marked_and_the_others_serve(tmp_path: Path) -> None:
    hanging = f"    - {{name: hang, class: {FAKE}.HangingCollector}}\n"
    started = time.monotonic()
    async with session_for(load_config(config(tmp_path, hanging + SIM))) as session:
        took = time.monotonic() - started
        record = session.manager.records["data_collectors/hang"]
        assert record.state is PluginState.FAILED and "did not finish within 0.5 s" in (record.error or "")
        rows = await session.market.refresh(["AAPL"])
        assert rows["AAPL"].quote is not None and rows["AAPL"].quote.simulated
    assert took < 30  # bounded by the plugin timeout, not by the hanging plugin


async def test_close_gives_kept_changes_their_last_try_and_keeps_the_rest(tmp_path: Path) -> None:
    loaded = load_config(config(tmp_path, SIM))
    session = await Session(loaded).start(Phase.STORAGE)
    storage = session.storage.storage
    await fill_until_full(storage)  # type: ignore[arg-type]  # a full database refuses writes
    await session.state.add_symbol("Default", "NVDA")  # kept, not lost
    pending = session.storage.pending
    assert pending is not None and pending.unsaved
    journal = pending.journal
    await session.close()
    await session.close()  # twice is harmless
    kept = json.loads(journal.read_text())
    assert any("NVDA" in json.dumps(entry) for entry in kept.values()), kept
    # the next run lands it, once there is room again
    async with session_for(loaded, Phase.STORAGE) as again:
        await make_room(again.storage.storage)  # type: ignore[arg-type]
        for _ in range(100):
            if "NVDA" in await again.state.watchlist("Default"):
                break
            await asyncio.sleep(0.05)
        assert "NVDA" in await again.state.watchlist("Default")


async def test_a_closed_session_cannot_start_again(tmp_path: Path) -> None:
    session = Session(load_config(config(tmp_path, SIM)))
    await session.close()  # closing before any phase ran is fine
    with pytest.raises(SessionNotStarted, match="closed"):
        await session.start()


# --- no front end builds services: the Session is the only composition root -------------------

BUILT_ONLY_BY_THE_SESSION = {
    "open_state",
    "MarketService",
    "AnalysisService",
    "ChatService",
    "PortfolioService",
    "AlertBook",
    "WatchlistEditor",
    "make_manager",
    "PluginManager",
}


def test_front_ends_build_no_service() -> None:
    import naetra_tui

    root = Path(naetra_tui.__file__).parent
    found = []
    for front in ("cli", "ui"):
        for path in (root / front).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    if name in BUILT_ONLY_BY_THE_SESSION:
                        found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    assert found == []
