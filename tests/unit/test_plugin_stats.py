"""Each plugin's calls since start — count, errors, median and p95 latency, the last error with
its time — kept for the Plugins screen's detail pane (#22), with secrets hidden."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from naetra_tui.core.metrics import METRICS, STATS, PluginStats, stats_for
from naetra_tui.core.secrets import register_secret
from naetra_tui.ui.screens.plugins import stats_line


def test_percentiles_and_the_last_error_with_secrets_hidden() -> None:
    stats = PluginStats()
    for ms in range(1, 101):  # 1..100 ms
        stats.record(ms / 1000, None)
    assert stats.percentile(0.5) == pytest.approx(0.051)
    assert stats.percentile(0.95) == pytest.approx(0.096)
    register_secret("hunter2-token")
    stats.record(0.2, RuntimeError("refused: key hunter2-token\x1b[2J is wrong"))
    assert (stats.calls, stats.errors) == (101, 1)
    assert stats.last_error is not None and "hunter2-token" not in stats.last_error
    assert "\x1b" not in stats.last_error and stats.last_error_at is not None


def test_track_counts_errors_but_not_cancellations() -> None:
    STATS.pop(("llm", "t-plugin"), None)
    with METRICS.track("llm", "t-plugin", "chat"):
        pass
    with pytest.raises(ValueError), METRICS.track("llm", "t-plugin", "chat"):
        raise ValueError("bad answer")
    with pytest.raises(asyncio.CancelledError), METRICS.track("llm", "t-plugin", "chat"):
        raise asyncio.CancelledError()
    stats = stats_for("llm", "t-plugin")
    assert (stats.calls, stats.errors) == (3, 1)
    line = stats_line("llm", "t-plugin")
    assert line.startswith("calls since start: 3, errors 1, median ") and "ValueError: bad answer" in line
    assert stats_line("llm", "never-called") == "calls since start: none yet"


async def test_the_plugins_screen_shows_a_collectors_calls(tmp_path: Path) -> None:
    from textual.widgets import DataTable, Static

    from tests.ui.conftest import app_config, make_app, wait_for

    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.ready and "AAPL" in app.watchlist.rows)
        await pilot.press("p")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[k.value for k in table.rows].index("data_collectors/simulated"))
        await pilot.pause(0.2)
        detail = str(app.screen.query_one("#detail-text", Static).render())
        assert "calls since start: " in detail and "errors 0" in detail and "p95" in detail
