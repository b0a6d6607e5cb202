"""In the app: an edit the storage refuses is announced, counted in the status bar, kept, and
lands when the storage is back; quitting with unsaved changes says so and keeps them (#20).

The storage is a PostgreSQL server of the test's own, killed mid-run and started again, or a
SQLite database made full with its own size cap."""

from __future__ import annotations

from pathlib import Path

import pytest

from naetra_tui.builtin.storage.postgres import PostgresStorage
from naetra_tui.services import pending as pending_module
from naetra_tui.services.state import AppState
from tests.conftest import write
from tests.integration.throwaway_servers import throwaway_postgres
from tests.ui.conftest import make_app, wait_for


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pending_module, "RETRY_DELAYS", (0.2, 0.4, 0.8))


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def status(app) -> str:
    return str(app.main_screen.query_one("#status").render())


def postgres_config(tmp_path: Path, dsn: str) -> Path:
    return write(
        tmp_path / "config.yaml",
        "app:\n  watchlist: [AAPL, MSFT]\n  refresh_interval: 3600\n  storage: postgres\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated, config: {seed: 7}}\n"
        "  storage:\n"
        f"    - {{name: postgres, plugin: postgres, config: {{dsn: '{dsn}', connect_timeout: 2,"
        " command_timeout: 2}}\n",
    )


async def stored_symbols(dsn: str) -> list[str]:
    storage = PostgresStorage()
    await storage.initialize({"dsn": dsn, "connect_timeout": 2})
    try:
        return await AppState(storage).watchlist("Default")
    finally:
        await storage.cleanup()


async def test_postgres_dies_the_edit_is_announced_kept_and_lands_when_it_is_back(tmp_path: Path) -> None:
    with throwaway_postgres(tmp_path / "pg") as server:
        app = make_app(postgres_config(tmp_path, server.dsn))
        async with app.run_test(size=(160, 30), notifications=True) as pilot:
            await wait_for(pilot, lambda: app.ready and "AAPL" in app.watchlist.rows)
            assert "saved: postgres" in status(app)
            server.kill()
            await pilot.press("a", *"nvda", "enter")
            await wait_for(pilot, lambda: any(m.startswith("Not saved yet:") for m in notes(app)))
            said = next(m for m in notes(app) if m.startswith("Not saved yet:"))
            assert "PostgreSQL" in said and "will be saved as soon as the storage answers" in said
            await wait_for(pilot, lambda: "UNSAVED 1 change" in status(app))
            assert "saved: postgres" not in status(app)
            assert app.watchlist.symbols == ["AAPL", "MSFT", "NVDA"]  # the user's edit is on screen
            await pilot.pause(1.0)
            assert "UNSAVED 1 change" in status(app)  # retried, refused, still kept

            server.start()
            await wait_for(pilot, lambda: "saved: postgres" in status(app), timeout=30)
            assert any(m == "Saved 1 kept change to postgres." for m in notes(app))
            assert app.watchlist.symbols == ["AAPL", "MSFT", "NVDA"]
        assert await stored_symbols(server.dsn) == ["AAPL", "MSFT", "NVDA"]


async def test_quitting_with_unsaved_changes_says_so_keeps_them_and_the_next_start_saves_them(
    tmp_path: Path,
) -> None:
    with throwaway_postgres(tmp_path / "pg") as server:
        path = postgres_config(tmp_path, server.dsn)
        app = make_app(path)
        async with app.run_test(size=(160, 30), notifications=True) as pilot:
            await wait_for(pilot, lambda: app.ready and "AAPL" in app.watchlist.rows)
            server.kill()
            await pilot.press("a", *"amd", "enter")
            await wait_for(pilot, lambda: "UNSAVED 1 change" in status(app))
            await pilot.press("q")
            await wait_for(pilot, lambda: any("Press q again to quit" in m for m in notes(app)))
            warning = next(m for m in notes(app) if "Press q again" in m)
            assert "UNSAVED 1 change" in warning and "kept in" in warning and "next start" in warning
            assert app.is_running  # the first q did not quit
            await pilot.press("q")
        assert app.exit_notes and "will be saved at the next start" in app.exit_notes[0]
        journal = app.session.storage.pending.journal
        assert journal is not None and journal.exists()
        assert await _still_missing(server)

        server.start()
        again = make_app(path)
        async with again.run_test(size=(160, 30), notifications=True) as pilot:
            await wait_for(pilot, lambda: again.ready and "saved: postgres" in status(again), timeout=30)
            assert any("from the last run were not saved yet" in m for m in notes(again))
            await wait_for(pilot, lambda: "AMD" in again.watchlist.symbols)
        assert await stored_symbols(server.dsn) == ["AAPL", "MSFT", "AMD"]
        assert not journal.exists()


async def _still_missing(server) -> bool:
    server.start()
    try:
        return "AMD" not in await stored_symbols(server.dsn)
    finally:
        server.kill()
