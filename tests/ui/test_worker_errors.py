"""Background work never fails silently: one route (log, notification with the reason, and for
start-up a status line instead of "starting…" for ever); a malformed record from a shared store
is skipped with a notice naming it, and the refreshes go on."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from naetra_tui.core.errors import StorageError
from naetra_tui.services.chat import ChatService
from naetra_tui.services.state import AppState
from tests.ui.conftest import app_config, make_app, wait_for
from tests.ui.test_chat_and_plugins import open_chat


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_failed_start_says_so_instead_of_starting_for_ever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def disk_full(self, name, symbols):
        raise StorageError("database or disk is full")

    monkeypatch.setattr(AppState, "ensure_default", disk_full)
    app = make_app(app_config(tmp_path))
    with caplog.at_level(logging.ERROR):
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await wait_for(pilot, lambda: any("Start-up failed" in m for m in notes(app)))
            status = str(app.main_screen.query_one("#status").render())
            assert "start-up failed: database or disk is full" in status and "starting…" not in status
    assert any("worker start failed" in r.getMessage() for r in caplog.records)


async def test_a_widget_workers_failure_reaches_the_same_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self):
        raise RuntimeError("the model list was garbage")

    monkeypatch.setattr(ChatService, "models", broken)
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(180, 50), notifications=True) as pilot:
        await open_chat(pilot, app)
        await wait_for(pilot, lambda: any("Listing the models failed" in m for m in notes(app)))
        assert any("RuntimeError: the model list was garbage" in m for m in notes(app))
        assert app.is_running


async def test_a_malformed_shared_record_is_skipped_with_a_notice_and_refreshes_go_on(tmp_path: Path) -> None:
    path = app_config(tmp_path, watchlist="[AAPL, MSFT, SPY]")
    app = make_app(path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.ready and "AAPL" in app.watchlist.rows)
        # another program (or an old version) writes records this app cannot use
        await app.session.state.storage.store("wl/Default/sym/MSFT", {"position": "second", "v": 1})
        await app.session.state.storage.store("wl/Default/sym/NOT A SYMBOL", {"position": 9.0, "v": 1})
    again = make_app(path)
    async with again.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(
            pilot, lambda: again.ready and "AAPL" in again.watchlist.rows and "SPY" in again.watchlist.rows
        )
        messages = notes(again)
        assert any("wl/Default/sym/MSFT" in m and "position is not a number" in m for m in messages)
        assert any("wl/Default/sym/NOT A SYMBOL" in m and "not a symbol" in m for m in messages)
        assert again.watchlist.symbols == ["AAPL", "SPY"]
        before = again.watchlist.rows["AAPL"]
        again.action_refresh()
        await wait_for(pilot, lambda: again.watchlist.rows["AAPL"] is not before)  # refreshes go on
        assert sum("wl/Default/sym/MSFT" in m for m in notes(again)) == 1  # said once
