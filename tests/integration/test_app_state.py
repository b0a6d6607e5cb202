"""App state on every backend; sharing between processes; falling back when storage fails."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.builtin.data_collectors.simulated import SimulatedCollector
from naetra_tui.cli import main
from naetra_tui.config import load_config
from naetra_tui.core.errors import InvalidSymbol
from naetra_tui.core.models import ChatMessage, PluginState
from naetra_tui.services.session import make_manager
from naetra_tui.services.state import AppState, close_choice, open_state
from tests.conftest import write
from tests.integration.storage_backends import BACKENDS, backend_config, drop, opened


@pytest.fixture(params=BACKENDS)
async def two_states(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[AppState, AppState]]:
    """Two independent connections to one store (as two naetra-tui processes would have)."""
    kind = request.param
    config = backend_config(kind, tmp_path)
    try:
        async with opened(kind, config) as first:
            if kind == "memory":
                yield AppState(first), AppState(first)
            else:
                async with opened(kind, config) as second:
                    yield AppState(first), AppState(second)
    finally:
        await drop(kind, config)


async def test_watchlists_edit_undo_reorder(two_states: tuple[AppState, AppState]) -> None:
    state, _ = two_states
    await state.ensure_default("Default", ["AAPL", "msft ", "^GSPC"])
    await state.ensure_default("Default", ["IGNORED"])  # only on first run
    assert await state.watchlist_names() == ["Default"]
    assert await state.watchlist("Default") == ["AAPL", "MSFT", "^GSPC"]
    assert await state.add_symbol("Default", " brk.b") == "BRK.B"
    with pytest.raises(InvalidSymbol):
        await state.add_symbol("Default", "[bold]X")
    removed = await state.remove_symbol("Default", "MSFT")
    assert await state.watchlist("Default") == ["AAPL", "^GSPC", "BRK.B"]
    assert removed is not None
    await state.restore_symbol("Default", "MSFT", removed)
    assert await state.watchlist("Default") == ["AAPL", "MSFT", "^GSPC", "BRK.B"]
    await state.move_symbol("Default", "BRK.B", -1)
    await state.move_symbol("Default", "AAPL", +1)
    assert await state.watchlist("Default") == ["MSFT", "AAPL", "BRK.B", "^GSPC"]
    await state.create_watchlist("Crypto", ["BTC-USD"])
    assert await state.watchlist_names() == ["Crypto", "Default"]


async def test_two_processes_never_lose_each_others_writes(two_states: tuple[AppState, AppState]) -> None:
    one, two = two_states
    await one.create_watchlist("Team", ["AAPL"])

    async def adder(state: AppState, symbols: list[str]) -> None:
        for symbol in symbols:
            await state.add_symbol("Team", symbol)

    await asyncio.gather(adder(one, ["MSFT", "NVDA", "AMD"]), adder(two, ["SPY", "QQQ", "TSLA"]))
    seen_by_one = await one.watchlist("Team")
    assert sorted(seen_by_one) == sorted(["AAPL", "MSFT", "NVDA", "AMD", "SPY", "QQQ", "TSLA"])
    assert await two.watchlist("Team") == seen_by_one  # same order for both after their next read
    await two.remove_symbol("Team", "AAPL")
    assert "AAPL" not in await one.watchlist("Team")


async def test_chats_settings_caches_alerts(two_states: tuple[AppState, AppState]) -> None:
    state, other = two_states
    await state.append_message("AAPL", ChatMessage(role="user", content="How is AAPL? 📈"))
    await state.append_message("AAPL", ChatMessage(role="assistant", content="Up 1%.", context="quote AAPL"))
    chat = await other.conversation("AAPL")
    assert [m.content for m in chat] == ["How is AAPL? 📈", "Up 1%."]
    assert chat[1].context == "quote AAPL"
    await state.set_setting("theme", "amber")
    assert await other.setting("theme") == "amber"
    assert await other.setting("missing", "x") == "x"
    collector = SimulatedCollector()
    await collector.initialize({"seed": 1})
    history = await collector.get_market_data("AAPL", "1D")
    await state.cache_history(history, ttl=600)
    cached = await other.cached_history("AAPL", "1D")
    assert cached is not None and cached.simulated and cached.source == "simulated"
    assert cached.close.tolist() == history.close.tolist()
    assert (cached.timestamps == history.timestamps).all()
    await state.cache_analysis("technical", "AAPL", "1D", "fp1", {"rsi": 55.0}, ttl=600)
    assert await other.cached_analysis("technical", "AAPL", "1D", "fp1") == {"rsi": 55.0}
    assert await other.cached_analysis("technical", "AAPL", "1D", "fp2") is None
    await state.save_alert("a1", {"symbol": "AAPL", "kind": "price_above", "value": 300})
    assert (await other.alerts())[0]["symbol"] == "AAPL"


def storage_config(tmp_path: Path, wanted: str, storage_entries: str) -> Path:
    return write(
        tmp_path / "config.yaml",
        f"app:\n  storage: {wanted}\n  plugin_timeout: 5\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  storage:\n{storage_entries}",
    )


async def test_postgres_down_falls_back_to_sqlite_and_says_so(tmp_path: Path, capsys: Any) -> None:
    path = storage_config(
        tmp_path,
        "postgres",
        "    - name: postgres\n      plugin: postgres\n      config: {host: 127.0.0.1, port: 1, connect_timeout: 1}\n",
    )
    loaded = load_config(path)
    manager = make_manager(loaded)
    state, choice = await open_state(loaded, manager)
    try:
        assert choice.name == "sqlite" and choice.warning is not None
        assert choice.warning.startswith("Not saving to 'postgres': cannot connect to PostgreSQL")
        assert "Saving to SQLite at" in choice.warning
        await state.create_watchlist("Default", ["AAPL"])
        assert await state.watchlist("Default") == ["AAPL"]
    finally:
        await close_choice(choice)
        await manager.cleanup()
    assert await asyncio.to_thread(main, ["--config", str(path), "--check-config"]) == 1
    out = capsys.readouterr().out
    assert "Not saving to 'postgres'" in out


async def test_unusable_sqlite_file_falls_back_to_memory_and_leaves_the_file(tmp_path: Path) -> None:
    foreign = write(tmp_path / "notes.txt", "not a database")
    path = storage_config(
        tmp_path, "sqlite", f"    - name: sqlite\n      plugin: sqlite\n      config: {{path: '{foreign}'}}\n"
    )
    loaded = load_config(path)
    manager = make_manager(loaded)
    _, choice = await open_state(loaded, manager)
    try:
        assert choice.name == "sqlite"  # the default location still works
        assert choice.warning is not None and "is not a SQLite database" in choice.warning
    finally:
        await close_choice(choice)
    assert foreign.read_text() == "not a database"


async def test_default_sqlite_unusable_falls_back_to_memory(tmp_path: Path, isolated_dirs: Path) -> None:
    data_home = isolated_dirs / "data"
    write(data_home / "naetra-tui", "a file where the data directory should be")
    path = storage_config(tmp_path, "sqlite", "    - name: sqlite\n      plugin: sqlite\n")
    loaded = load_config(path)
    manager = make_manager(loaded)
    state, choice = await open_state(loaded, manager)
    assert choice.name == "memory" and choice.warning is not None
    assert "memory only (nothing will be saved)" in choice.warning
    await state.set_setting("theme", "amber")  # the app still works
    assert await state.setting("theme") == "amber"


async def test_plugin_toggles_are_kept_in_storage(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    path = storage_config(
        tmp_path, "sqlite", f"    - name: sqlite\n      plugin: sqlite\n      config: {{path: '{db}'}}\n"
    )
    for expected in (PluginState.READY, PluginState.DISABLED):
        loaded = load_config(path)
        manager = make_manager(loaded)
        _, choice = await open_state(loaded, manager)
        await manager.initialize()
        assert manager.record("data_collectors", "simulated").state is expected
        if expected is PluginState.READY:
            await manager.disable("data_collectors", "simulated")
        await close_choice(choice)
        await manager.cleanup()
    async with opened("sqlite", {"path": str(db)}) as storage:
        assert await storage.retrieve("plugins/toggle/data_collectors/simulated") == {
            "v": 1,
            "enabled": False,
        }


async def test_one_terminal_sees_which_symbols_another_added_or_removed(
    two_states: tuple[AppState, AppState],
) -> None:
    mine, theirs = two_states
    await mine.create_watchlist("Team", ["AAPL", "MSFT"])
    assert await theirs.watchlist_members("Team") == {"AAPL", "MSFT"}
    await theirs.add_symbol("Team", "nvda")
    await theirs.remove_symbol("Team", "AAPL")
    assert await mine.watchlist_members("Team") == {"MSFT", "NVDA"}
    assert await mine.watchlist_members("Nobody") == set()
