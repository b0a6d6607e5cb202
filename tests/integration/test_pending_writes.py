"""A write the storage refuses is kept, shown, retried and landed — never dropped (#20).

Real faults only: SQLite's own full-database error (``max_page_count``), and Redis and
PostgreSQL servers of the test's own, killed mid-run and started again.
"""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from naetra_tui.builtin.storage.postgres import PostgresStorage
from naetra_tui.builtin.storage.redis import RedisStorage
from naetra_tui.builtin.storage.sqlite import SQLiteStorage
from naetra_tui.core.errors import StorageError
from naetra_tui.services.journal import journal_path_for
from naetra_tui.services.pending import PendingWrites
from naetra_tui.services.state import AppState
from tests.integration.throwaway_servers import throwaway_postgres, throwaway_redis

FAST = (0.05, 0.1, 0.2)  # retry delays for the tests (the app's start at 1 s)


async def fill_until_full(storage: SQLiteStorage) -> None:
    """Make the database full, as a full disk would: cap its size, then fill it."""
    await storage._db.execute("PRAGMA max_page_count = 40")
    i = 0
    for size in (256, 32, 0):  # large, then small records fill the gaps the large left
        while True:
            try:
                await storage.store(f"filler/{i:06d}", "x" * size)
            except StorageError as exc:
                assert "full" in str(exc)
                break
            i += 1


async def make_room(storage: SQLiteStorage) -> None:
    await storage._db.execute("PRAGMA max_page_count = 1073741823")


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_a_full_database_keeps_the_edit_shows_it_and_lands_it_when_there_is_room(
    tmp_path: Path,
) -> None:
    storage = SQLiteStorage()
    await storage.initialize({"path": str(tmp_path / "s.db")})
    journal = tmp_path / "state" / "pending.json"
    changes: list[int] = []
    pending = PendingWrites(storage, journal, delays=FAST, on_change=lambda: changes.append(1))
    state = AppState(pending)
    try:
        await state.create_watchlist("Default", ["AAPL", "MSFT"])
        assert await state.watchlist("Default") == ["AAPL", "MSFT"]
        await fill_until_full(storage)

        # (SQLite's size cap refuses new records; a real full disk refuses rewrites too)
        await state.add_symbol("Default", "NVDA")  # refused by the storage: kept, not raised
        await state.add_symbol("Default", "AMD")
        await state.set_setting("theme", "amber")
        assert pending.unsaved == 3
        assert pending.describe() is not None and pending.describe().startswith("UNSAVED 3 changes:")
        assert "full" in (pending.reason or "")
        assert changes  # the app was told (status bar, notice)
        # the user sees their edits as made
        assert await state.watchlist("Default") == ["AAPL", "MSFT", "NVDA", "AMD"]
        assert await state.setting("theme") == "amber"
        # ...and they are on disk for the next start, readable only by the user
        assert pending.journal is not None and pending.journal.parent == journal.parent
        kept = json.loads(pending.journal.read_text())
        assert {c["key"] for c in kept["changes"]} == {
            "wl/Default/sym/NVDA",
            "wl/Default/sym/AMD",
            "settings/theme",
        }
        assert stat.S_IMODE(pending.journal.stat().st_mode) == 0o600
        await asyncio.sleep(0.5)
        assert pending.unsaved == 3  # still refused: retried, still kept

        await make_room(storage)
        await eventually(lambda: _true(pending.unsaved == 0))
        assert pending.describe() is None
        assert not pending.journal.exists()
        landed, conflicts = pending.take_landed()
        assert (landed, conflicts) == (3, [])
        fresh = AppState(storage)  # straight from the database, not the overlay
        assert await fresh.watchlist("Default") == ["AAPL", "MSFT", "NVDA", "AMD"]
        assert await fresh.setting("theme") == "amber"
    finally:
        await pending.close()
        await storage.cleanup()


async def _true(value: bool) -> bool:
    return value


async def test_kept_changes_survive_a_quit_and_land_at_the_next_start(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    journal = journal_path_for(f"SQLite at {db}", tmp_path / "state")
    storage = SQLiteStorage()
    await storage.initialize({"path": str(db)})
    first = PendingWrites(storage, journal, delays=(60.0,))
    state = AppState(first)
    await state.create_watchlist("Default", ["AAPL"])
    await state.watchlist("Default")
    await fill_until_full(storage)
    await state.add_symbol("Default", "TSLA")
    await state.remove_symbol("Default", "AAPL")
    assert first.unsaved == 2
    await first.close(timeout=0.2)  # the quit: one last try fails, the journal stays
    assert first.journal is not None and first.journal.exists()
    await make_room(storage)
    await storage.cleanup()

    storage = SQLiteStorage()  # the next start
    await storage.initialize({"path": str(db)})
    second = PendingWrites(storage, journal, delays=FAST)
    try:
        assert second.unsaved == 2 and "last run" in (second.reason or "")
        second.start()
        await eventually(lambda: _true(second.unsaved == 0))
        assert await AppState(storage).watchlist("Default") == ["TSLA"]
        assert not first.journal.exists() and second.journal is not None and not second.journal.exists()
    finally:
        await second.close()
        await storage.cleanup()


async def test_an_unreadable_journal_is_set_aside_not_replayed(tmp_path: Path) -> None:
    journal = tmp_path / "pending.json"
    payloads = (
        b"\x00\xff not json",
        b'{"v": 1, "changes": [{"key": "cache/x"}]}',
        b'{"v": 99}',
        # a wrong type is an error, never a guess: "no" would have deleted the record
        b'{"v": 1, "changes": [{"key": "wl/Default/sym/AAPL", "deleted": "no", "value": null,'
        b' "base_known": false, "base": null, "since": 1.0}]}',
        b'{"v": 1, "changes": [{"key": "cache/x", "deleted": false, "value": 1,'
        b' "base_known": false, "base": null, "since": 1.0}]}',  # not a record of the user's
    )
    for number, broken in enumerate(payloads, 1):
        journal.write_bytes(broken)
        journal.chmod(0o600)
        storage = SQLiteStorage()
        await storage.initialize({"path": str(tmp_path / "s.db")})
        pending = PendingWrites(storage, journal)
        try:
            assert pending.unsaved == 0
            assert not journal.exists()
            aside = sorted(tmp_path.glob("pending.json.unreadable-*"), key=lambda p: p.stat().st_mtime_ns)
            assert len(aside) == number  # each kept for the user, none over an earlier one
            assert broken in {p.read_bytes() for p in aside}
            assert any("set aside" in notice for notice in pending.notices)
        finally:
            await storage.cleanup()


async def test_redis_killed_mid_run_edits_kept_and_landed_other_terminals_edits_not_overwritten(
    tmp_path: Path,
) -> None:
    with throwaway_redis(tmp_path / "redis") as server:
        config = {"url": server.url, "socket_timeout": 1}
        mine, theirs = RedisStorage(), RedisStorage()
        await mine.initialize(config)
        await theirs.initialize(config)
        # retried by hand below: the other terminal's edits must come first
        pending = PendingWrites(mine, tmp_path / "j.json", delays=(3600.0,))
        me, other = AppState(pending), AppState(theirs)
        try:
            await me.create_watchlist("Default", ["AAPL", "MSFT", "AMD"])
            assert await me.watchlist("Default") == ["AAPL", "MSFT", "AMD"]

            server.kill()
            await me.add_symbol("Default", "NVDA")  # a new record
            await me.move_symbol("Default", "AMD", -1)  # a record the other terminal will change
            await me.remove_symbol("Default", "AAPL")
            assert pending.unsaved == 3
            assert "Redis" in (pending.reason or "")
            assert await me.watchlist("Default") == ["AMD", "MSFT", "NVDA"]

            server.start()  # back, with its data (append-only file)
            # before this terminal's retry: the other terminal removes AMD and adds INTC
            await other.remove_symbol("Default", "AMD")
            await other.add_symbol("Default", "INTC")
            assert await pending.flush()
            assert pending.unsaved == 0
            landed, conflicts = pending.take_landed()
            assert conflicts == ["wl/Default/sym/AMD"]  # their removal stands
            assert landed == 2
            expected = ["MSFT", "INTC", "NVDA"]  # INTC went in behind the positions it saw
            assert await other.watchlist("Default") == expected
            assert await me.watchlist("Default") == expected
        finally:
            await pending.close()
            await mine.cleanup()
            await theirs.cleanup()


async def test_postgres_killed_mid_run_edits_kept_and_landed(tmp_path: Path) -> None:
    with throwaway_postgres(tmp_path / "pg") as server:
        storage = PostgresStorage()
        await storage.initialize({"dsn": server.dsn, "connect_timeout": 2, "command_timeout": 2})
        pending = PendingWrites(storage, tmp_path / "j.json", delays=FAST)
        state = AppState(pending)
        try:
            await state.create_watchlist("Default", ["AAPL"])
            await state.watchlist("Default")
            server.kill()
            await state.add_symbol("Default", "MSFT")
            await state.save_alert("a1", {"symbol": "AAPL", "kind": "price", "op": ">", "value": 1.0})
            assert pending.unsaved == 2  # the symbol, the alert
            assert "PostgreSQL" in (pending.reason or "") or "unreachable" in (pending.reason or "")
            assert await state.watchlist("Default") == ["AAPL", "MSFT"]
            await asyncio.sleep(0.4)
            assert pending.unsaved == 2  # retried, still refused, still kept
            server.start()
            await eventually(lambda: _true(pending.unsaved == 0), timeout=30)
            fresh = AppState(storage)
            assert await fresh.watchlist("Default") == ["AAPL", "MSFT"]
            assert [a["id"] for a in await fresh.alerts()] == ["a1"]
        finally:
            await pending.close()
            await storage.cleanup()


async def test_cache_writes_are_not_kept(tmp_path: Path) -> None:
    """A refused cache write is the cache's problem (raised as before), not an unsaved edit."""
    storage = SQLiteStorage()
    await storage.initialize({"path": str(tmp_path / "s.db")})
    pending = PendingWrites(storage, None)
    try:
        await fill_until_full(storage)
        with pytest.raises(StorageError):
            await pending.store_expiring("cache/history/AAPL/1D/default", {"x": "y" * 4000}, 60)
        assert pending.unsaved == 0
    finally:
        await storage.cleanup()
