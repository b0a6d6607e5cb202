"""Pilot helpers: an app on the simulated feed with its own storage and a fake Ollama."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from naetra_tui.config import load_config
from naetra_tui.core import clock
from naetra_tui.ui.app import NaetraApp
from naetra_tui.ui.perf.guard import speedups_enabled
from tests.conftest import write
from tests.fakes.ollama_server import fake_ollama

#: Every UI test runs at this moment: a Wednesday, 10:30 in New York (US markets open).
FROZEN_AT = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[datetime]:
    """Freeze the app's clock and pin the local timezone: same data, ages and times on every run."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    clock.freeze(FROZEN_AT)
    from naetra_tui.core.metrics import STATS

    STATS.clear()  # each app's Plugins screen shows its own calls, not earlier tests'
    yield FROZEN_AT
    clock.freeze(None)
    monkeypatch.undo()
    time.tzset()


def app_config(
    tmp_path: Path,
    *,
    ollama_url: str = "http://127.0.0.1:1",
    collectors: str = "",
    watchlist: str = "[AAPL, MSFT, SPY]",
    extra_plugins: str = "",
) -> Path:
    collectors = collectors or "    - {name: simulated, plugin: simulated, config: {seed: 7}}\n"
    return write(
        tmp_path / "config.yaml",
        f"app:\n  watchlist: {watchlist}\n  refresh_interval: 3600\n  storage: sqlite\n  plugin_timeout: 2\n"
        f"plugins:\n  data_collectors:\n{collectors}"
        "  analyzers:\n    - {name: technical, plugin: technical}\n    - {name: fundamental, plugin: fundamental}\n"
        f"  llm:\n    - {{name: ollama, plugin: ollama, config: {{api_url: '{ollama_url}', timeout: 5}}}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'state.db'}'}}}}\n"
        f"{extra_plugins}",
    )


def make_app(path: Path) -> NaetraApp:
    return NaetraApp(load_config(path))


async def wait_for(pilot: Any, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (or fail after ``timeout`` s)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


def painted_lines(app: Any) -> list[str]:
    """The screen's lines as last painted (not as its widgets would render them now)."""
    return screen_lines(app.screen)


def screen_lines(screen: Screen) -> list[str]:
    return [strip.text for strip in screen._compositor.render_strips()]


def record_frames(
    monkeypatch: pytest.MonkeyPatch, note: Callable[[], Any] = lambda: None
) -> list[tuple[list[str], Any]]:
    """Every frame as it is written to the terminal: its lines, and ``note()`` at that moment."""
    frames: list[tuple[list[str], Any]] = []
    paint = Screen._compositor_refresh

    def recorded(screen: Screen) -> None:
        paint(screen)
        frames.append((screen_lines(screen), note()))

    monkeypatch.setattr(Screen, "_compositor_refresh", recorded)
    return frames


async def started(pilot: Any, app: NaetraApp) -> Any:
    """Wait until every symbol on the watchlist has a row; the watchlist table."""
    await wait_for(pilot, lambda: app.ready and all(s in app.watchlist.rows for s in app.watchlist.symbols))
    await pilot.pause()
    return app.main_screen.table


def table_text(table: Any) -> list[list[str]]:
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.fixture
def ollama() -> Any:
    with fake_ollama() as (url, fake):
        yield url, fake


def watch_rows(table: Any) -> list[dict[str, str]]:
    """Watchlist rows as {column key: text}, whatever columns the width shows."""
    keys = [str(k.value) for k in table.columns]
    return [dict(zip(keys, row, strict=True)) for row in table_text(table)]


#: The speedups are off in this run (CI runs the UI suite once so: NAETRA_SPEEDUPS=0).
SPEEDUPS_OFF = not speedups_enabled()
#: For a test of a speedup itself (that its fast path is taken, reused, or installed): it has
#: nothing to test when the speedups are off. What the screens look like is still tested then,
#: with the same approved snapshots (tests/ui/test_snapshots.py runs either way).
needs_speedups = pytest.mark.skipif(SPEEDUPS_OFF, reason="tests a speedup itself; NAETRA_SPEEDUPS=0")
