"""A second start paints what the last session showed before the config, the plugins and the
services load, marks it STALE, then replaces it with fresh prices."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from naetra_tui.config import LoadedConfig, load_config
from naetra_tui.core.errors import ConfigurationError
from naetra_tui.ui.app import NaetraApp
from naetra_tui.ui.snapshot import load_snapshot
from naetra_tui.ui.widgets.status_bar import StatusBar
from tests.conftest import wait_for_no_sqlite_threads
from tests.ui.conftest import app_config, make_app, record_frames, started, wait_for, watch_rows


def held_load(path: Path, release: threading.Event) -> Callable[[], LoadedConfig]:
    """Loading the config (and with it pydantic, numpy, the plugins) until ``release`` is set."""

    def load() -> LoadedConfig:
        release.wait(10)
        return load_config(path)

    return load


async def first_session(
    path: Path, theme: str | None = None, switch_off: str | None = None
) -> tuple[list[dict[str, str]], str]:
    """The rows it showed and its screen's background colour."""
    app = make_app(path)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for(
            pilot, lambda: app.ready and all(s in app.watchlist.rows for s in app.watchlist.symbols)
        )
        if theme:
            app.set_theme(theme)
            app.action_refresh()
        if switch_off:
            assert app.session is not None
            await app.session.manager.disable(*switch_off.split("/"))  # a choice the next start must show

        def saved() -> bool:  # written after each refresh
            snapshot = load_snapshot(path)
            return (
                snapshot is not None
                and all(symbol in snapshot.sparks for symbol in snapshot.symbols)  # saved again once loaded
                and (theme is None or (snapshot.theme or {}).get("name") == theme)
            )

        await wait_for(pilot, saved)
        await pilot.pause()
        return watch_rows(app.main_screen.table), app.main_screen.styles.background.hex


async def test_cached_rows_paint_first_marked_stale_then_fresh_rows_replace_them(tmp_path: Path) -> None:
    path = app_config(tmp_path)
    before, background = await first_session(path, theme="amber", switch_off="analyzers/fundamental")
    snapshot = load_snapshot(path)
    assert snapshot is not None
    release = threading.Event()
    app = NaetraApp(load=held_load(path, release), snapshot=snapshot)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        table = app.main_screen.table
        cached = watch_rows(table)
        assert app.loaded is None and not app.ready
        assert app.theme == "amber" and "-theme-amber" in app.classes  # the last session's theme
        assert app.main_screen.styles.background.hex == background  # its colours, from the first frame
        assert [r["symbol"] for r in cached] == [r["symbol"] for r in before]
        assert [r["last"] for r in cached] == [r["last"] for r in before]  # the prices last shown
        assert all("STALE" in r["age"] for r in cached)  # never mistaken for live prices
        assert [r["trend"] for r in cached] == [r["trend"] for r in before] and cached[0]["trend"]
        assert "cached prices from" in str(app.main_screen.query_one(StatusBar).render())
        first = table.current_symbol()
        await pilot.press("d")  # removed while storage is not open yet: done once it is, not lost
        await pilot.press("p")  # the plugins are not known yet: the screen opens once they are
        assert app.screen is app.main_screen
        release.set()
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PluginsScreen")
        await wait_for(pilot, lambda: "analyzers/fundamental" in app.screen.query_one("DataTable").rows)
        technical = str(app.screen.query_one("DataTable").get_cell("analyzers/technical", "state"))
        assert "disabled" not in technical, technical  # enabled but not started yet: "to start"
        fundamental = str(app.screen.query_one("DataTable").get_cell("analyzers/fundamental", "state"))
        assert "disabled" in fundamental, fundamental  # switched off last session: says so at once
        await pilot.press("escape")
        await wait_for(
            pilot, lambda: app.ready and all(not app.watchlist.rows[s].stale for s in app.watchlist.symbols)
        )
        assert first not in app.watchlist.symbols and first not in [r["symbol"] for r in watch_rows(table)]
        await pilot.pause()
        assert watch_rows(table) and all("STALE" not in r["age"] for r in watch_rows(table))
        assert "cached prices" not in str(app.main_screen.query_one(StatusBar).render())
        assert app.theme == "amber"  # and the remembered one once settings are read


async def test_the_first_frame_painted_already_holds_the_cached_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = app_config(tmp_path)
    before, _ = await first_session(path)
    snapshot = load_snapshot(path)
    assert snapshot is not None
    frames = record_frames(monkeypatch)
    release = threading.Event()
    app = NaetraApp(load=held_load(path, release), snapshot=snapshot)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for(pilot, lambda: bool(frames))
        first = "\n".join(frames[0][0])
        for row in before:  # no blank frame first: the rows are in the very first one
            assert row["symbol"] in first and row["last"] in first, (row, first)
        release.set()


async def test_a_first_start_paints_a_starting_frame_before_the_plugins_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = app_config(tmp_path, watchlist="[AAPL, msft, SPY]")
    app = make_app(path)  # nothing cached: the config is loaded, the plugin manager is not made yet
    frames = record_frames(monkeypatch, note=lambda: app.session is not None)  # was it made yet?
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: bool(frames))
        lines, manager_made = frames[0]
        assert not manager_made  # numpy, the models and the plugins load after this frame
        assert "starting…" in lines[-2]  # the status bar says why the rows have no prices yet
        rows = [line.split() for line in lines[2:5]]  # the config's watchlist, each loading
        assert [row[:2] for row in rows] == [["AAPL", "loading…"], ["MSFT", "loading…"], ["SPY", "loading…"]]
        await wait_for(
            pilot, lambda: app.ready and all(s in app.watchlist.rows for s in app.watchlist.symbols)
        )
        assert app.watchlist.symbols == ["AAPL", "MSFT", "SPY"]


async def test_with_the_config_changed_the_first_frame_expects_the_last_sessions_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = app_config(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("n", *"Crypto", "enter")
        await wait_for(pilot, lambda: app.watchlist.name == "Crypto")
        await pilot.press("a", *"eth-usd", "enter")
        await wait_for(
            pilot, lambda: load_snapshot(path) is not None and load_snapshot(path).symbols == ["ETH-USD"]
        )
    path.write_text(path.read_text() + "\n# edited\n")  # the cached prices are not trusted now
    assert load_snapshot(path) is None
    app = make_app(path)
    frames = record_frames(monkeypatch)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: bool(frames))
        lines = frames[0][0]
        assert "Crypto" in lines[0] and lines[2].split()[:2] == ["ETH-USD", "loading…"], lines[:4]
        assert "AAPL" not in "\n".join(lines)  # not the config's default list
        await wait_for(
            pilot, lambda: app.ready and app.watchlist.name == "Crypto" and "ETH-USD" in app.watchlist.rows
        )
        assert app.watchlist.symbols == ["ETH-USD"]


async def test_the_command_palette_works_while_the_plugins_are_still_loading(tmp_path: Path) -> None:
    path = app_config(tmp_path)
    await first_session(path)
    snapshot = load_snapshot(path)
    assert snapshot is not None
    release = threading.Event()
    app = NaetraApp(load=held_load(path, release), snapshot=snapshot)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.session is None  # the plugins are not loaded yet
        await pilot.press("ctrl+p")
        await pilot.press(*"Open symbol MSFT")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "symbol", None) == "MSFT")
        release.set()
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("escape", "ctrl+p")  # once they are, the palette lists them
        await pilot.press(*"Toggle plugin analyzers/fundamental")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.session.manager.record("analyzers", "fundamental").loaded)


async def test_a_config_that_no_longer_loads_ends_the_app_with_its_error(tmp_path: Path) -> None:
    path = app_config(tmp_path)
    await first_session(path)
    snapshot = load_snapshot(path)
    assert snapshot is not None

    def broken():
        raise ConfigurationError("app.refresh_interval: must be at least 1")

    app = NaetraApp(load=broken, snapshot=snapshot)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2
    assert isinstance(app.startup_error, ConfigurationError)


async def test_quitting_at_any_moment_of_the_start_leaves_nothing_running(tmp_path: Path) -> None:
    """Quitting while storage was still opening left its connection's thread running, and the
    process hung at exit with a blank terminal (seen in tmux: 'q' 0.5 s after starting).
    Quit at many moments of both starts (fresh, and from the last session's rows)."""
    path = app_config(tmp_path)
    await first_session(path)
    snapshot = load_snapshot(path)
    assert snapshot is not None
    for cached in (False, True):
        for delay in (0.0, 0.01, 0.03, 0.06, 0.1, 0.15, 0.25, 0.4, 0.7):
            app = NaetraApp(load=lambda: load_config(path), snapshot=snapshot) if cached else make_app(path)
            async with app.run_test(size=(140, 30)):
                await asyncio.sleep(delay)
                quit_at = time.monotonic()
                app.exit()
            assert time.monotonic() - quit_at < 2.0
            left = await wait_for_no_sqlite_threads()
            assert left == [], (
                f"a storage connection outlived the app (quit {delay} s into a {'cached' if cached else 'fresh'} start)"
            )
    app = make_app(path)  # and the storage is intact
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for(
            pilot, lambda: app.ready and all(s in app.watchlist.rows for s in app.watchlist.symbols)
        )
