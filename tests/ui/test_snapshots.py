"""Snapshot tests: the screens as SVG, on the simulated feed (fixed seed) with the clock frozen.

After a deliberate change to how a screen looks, review the diff report and run
``pytest tests/ui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from naetra_tui.ui.screens.symbol import SymbolScreen
from naetra_tui.ui.widgets.chat_panel import ChatPanel
from tests.fakes.ollama_server import FakeOllama, Turn, fake_ollama
from tests.ui.conftest import app_config, make_app, wait_for

SIZES = [(80, 24), (160, 48)]


async def watchlist_filled(pilot: Any) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.ready and all(s in app.watchlist.rows for s in app.watchlist.symbols))
    await wait_for(
        pilot, lambda: all(s in app.watchlist.sparks for s in app.watchlist.symbols)
    )  # the trend column
    app.clear_notifications()  # toasts time out on the wall clock: never part of a snapshot
    await pilot.pause()


async def symbol_view_filled(pilot: Any) -> None:
    await watchlist_filled(pilot)
    await pilot.press("enter")
    screen = pilot.app.screen
    assert isinstance(screen, SymbolScreen)
    await wait_for(pilot, lambda: screen.history is not None)
    await wait_for(pilot, lambda: all(p.result is not None for p in screen.query("AnalysisPane")))
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(app_config(tmp_path))
    assert snap_compare(app, terminal_size=size, run_before=watchlist_filled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_symbol_view(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(app_config(tmp_path))
    assert snap_compare(app, terminal_size=size, run_before=symbol_view_filled)


@pytest.mark.parametrize("theme", ["naetra-dark", "naetra-light", "high-contrast", "amber"])
def test_each_shipped_theme(snap_compare: Any, tmp_path: Path, theme: str) -> None:
    async def themed(pilot: Any) -> None:
        await watchlist_filled(pilot)
        pilot.app.set_theme(theme, remember=False)
        await pilot.pause()

    app = make_app(app_config(tmp_path))
    assert snap_compare(app, terminal_size=(120, 30), run_before=themed)


def test_plugins_screen(snap_compare: Any, tmp_path: Path) -> None:
    async def plugins(pilot: Any) -> None:
        await watchlist_filled(pilot)
        await pilot.press("p")
        await wait_for(
            pilot, lambda: "starting" not in {r.state for r in pilot.app.session.manager.records.values()}
        )
        await pilot.pause()

    app = make_app(app_config(tmp_path))
    assert snap_compare(app, terminal_size=(120, 36), run_before=plugins)


def test_chat_panel_after_an_answer(snap_compare: Any, tmp_path: Path) -> None:
    answer = "**AAPL** trades at *295.26* (simulated).\n\n- RSI is neutral\n- Trend: sideways"
    with fake_ollama(FakeOllama(script=[Turn(content=answer)])) as (url, _):

        async def chatted(pilot: Any) -> None:
            await symbol_view_filled(pilot)
            await pilot.press("c")
            panel = pilot.app.screen.query_one(ChatPanel)
            panel.query_one("#chat-input").value = "How is AAPL doing?"
            await pilot.press("enter")
            await wait_for(pilot, lambda: panel.last_answer != "" and not panel.busy)
            await pilot.pause()

        app = make_app(app_config(tmp_path, ollama_url=url))
        assert snap_compare(app, terminal_size=(160, 48), run_before=chatted)
