"""Storage faults: kills, foreign files, read-only dirs, servers lost and back."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.builtin.storage.postgres import PostgresStorage
from naetra_tui.builtin.storage.redis import RedisStorage
from naetra_tui.builtin.storage.sqlite import SQLiteStorage
from naetra_tui.core.errors import StorageError, StorageUnavailable
from tests.conftest import sqlite_threads, wait_for_no_sqlite_threads, write
from tests.integration.storage_backends import backend_config, drop, opened


def burst_writer(db: Path) -> str:
    return textwrap.dedent(
        f"""
        import asyncio, sys
        from naetra_tui.builtin.storage.sqlite import SQLiteStorage

        async def main():
            s = SQLiteStorage()
            await s.initialize({{"path": {str(db)!r}}})
            i = 0
            while True:
                if i % 7 == 0:
                    await s.store_many({{f"batch/{{i}}/{{j}}": {{"i": i, "j": j}} for j in range(50)}})
                else:
                    await s.store(f"single/{{i}}", {{"i": i, "pad": "x" * 500}})
                print(i, flush=True)
                i += 1

        asyncio.run(main())
        """
    )


async def test_sigkill_in_a_burst_of_writes_loses_nothing_acknowledged(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", burst_writer(db)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    assert proc.stdout is not None
    acknowledged: list[int] = []
    deadline = time.monotonic() + 30
    while len(acknowledged) < 300 and time.monotonic() < deadline:
        acknowledged.append(int(proc.stdout.readline()))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(acknowledged) >= 300
    async with opened("sqlite", {"path": str(db)}) as storage:
        for i in acknowledged:
            if i % 7 == 0:
                batch = await storage.keys(f"batch/{i}/")
                assert len(batch) == 50, f"batch {i} is partial or missing"
            else:
                assert await storage.retrieve(f"single/{i}") == {"i": i, "pad": "x" * 500}
        # and whatever was in flight is all-or-nothing
        for key in await storage.keys("batch/"):
            i = int(key.split("/")[1])
            assert len(await storage.keys(f"batch/{i}/")) == 50


async def test_file_that_is_not_a_database_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    original = b"my precious notes\n" * 100
    path.write_bytes(original)
    with pytest.raises(StorageUnavailable) as info:
        await SQLiteStorage().initialize({"path": str(path)})
    assert str(path) in str(info.value) and "not a SQLite database" in str(info.value)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal/-shm created


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions; see the next test")
async def test_read_only_directory(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(StorageUnavailable, match="cannot open the SQLite database"):
        await SQLiteStorage().initialize({"path": str(ro / "x.db")})


async def test_unwritable_path_even_as_root(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a directory should be")
    with pytest.raises(StorageUnavailable) as info:
        await SQLiteStorage().initialize({"path": str(blocker / "sub" / "x.db")})
    assert str(blocker / "sub" / "x.db") in str(info.value)
    assert blocker.read_text() == "a file where a directory should be"


async def test_two_processes_share_one_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from naetra_tui.builtin.storage.sqlite import SQLiteStorage

        async def main(tag):
            s = SQLiteStorage()
            await s.initialize({{"path": {str(db)!r}}})
            for i in range(200):
                await s.store(f"{{tag}}/{{i}}", i)
            await s.cleanup()

        asyncio.run(main(sys.argv[1]))
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, tag], cwd=tmp_path) for tag in ("a", "b")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    async with opened("sqlite", {"path": str(db)}) as storage:
        assert len(await storage.keys("a/")) == 200
        assert len(await storage.keys("b/")) == 200


async def test_postgres_unreachable_at_start_is_a_clear_error() -> None:
    started = time.perf_counter()
    with pytest.raises(StorageUnavailable) as info:
        await PostgresStorage().initialize(
            {
                "host": "127.0.0.1",
                "port": 1,
                "database": "x",
                "user": "u",
                "password": "hunter2-secret",
                "connect_timeout": 2,
            }
        )
    assert "cannot connect to PostgreSQL at postgresql://u@127.0.0.1:1/x" in str(info.value)
    assert "hunter2-secret" not in str(info.value)
    assert time.perf_counter() - started < 5


async def test_postgres_bad_credentials_in_dsn_are_redacted() -> None:
    with pytest.raises(StorageUnavailable) as info:
        await PostgresStorage().initialize(
            {"dsn": "postgresql://nobody:s3cretpw@127.0.0.1:1/test", "connect_timeout": 2}
        )
    assert "s3cretpw" not in str(info.value)


async def test_postgres_connection_lost_mid_run(tmp_path: Path) -> None:
    import asyncpg

    config = backend_config("postgres", tmp_path)
    try:
        async with opened("postgres", config) as storage:
            await storage.store("before", 1)
            admin = await asyncpg.connect(config["dsn"])
            try:
                # kill every connection of our pool, as a server restart would; the timeout
                # makes the call wait until they are gone (without it, a backend could die
                # during a later attempt than the ones this test expects to meet it)
                await admin.execute(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND application_name = '' AND state IS NOT NULL"
                )
            finally:
                await admin.close()
            outcomes = []
            for attempt in range(3):  # the first write may meet the dead connection
                try:
                    await storage.store_many({f"after/{attempt}/{i}": i for i in range(10)})
                    outcomes.append("ok")
                except StorageError as exc:
                    assert "nothing was half-written" in str(exc) or "unreachable" in str(exc)
                    outcomes.append("error")
            assert outcomes[-1] == "ok"  # reconnected by itself
            for attempt, outcome in enumerate(outcomes):
                expected = 10 if outcome == "ok" else 0
                assert len(await storage.keys(f"after/{attempt}/")) == expected
            assert await storage.retrieve("before") == 1
    finally:
        await drop("postgres", config)


async def test_postgres_session_ended_by_the_server_expires_the_connection(tmp_path: Path) -> None:
    """The server's 'terminating connection' (57P01) can arrive before asyncpg has seen the
    socket close: the connection must still be dropped, not handed to the next operation."""
    import asyncpg

    from naetra_tui.builtin.storage.postgres import _Guard

    config = backend_config("postgres", tmp_path)
    try:
        async with opened("postgres", config) as storage:
            await storage.store("before", 1)
            with pytest.raises(StorageError, match="nothing was half-written"):
                async with _Guard(storage, "store") as conn:
                    ended = conn.get_server_pid()
                    raise asyncpg.exceptions.AdminShutdownError("terminating connection")
            async with _Guard(storage, "read") as conn:
                assert conn.get_server_pid() != ended  # a fresh connection, not the ended one
            await storage.store("after", 2)
            assert await storage.retrieve("before") == 1 and await storage.retrieve("after") == 2
    finally:
        await drop("postgres", config)


async def test_redis_connection_killed_mid_run_reconnects(tmp_path: Path) -> None:
    config = backend_config("redis", tmp_path)
    try:
        async with opened("redis", config) as storage:
            await storage.store("before", 1)
            import redis.asyncio as aioredis

            admin = aioredis.Redis.from_url(config["url"])
            try:
                await admin.client_kill_filter(_type="normal", skipme=True)
            finally:
                await admin.aclose()
            await storage.store("after", 2)  # retried on a fresh connection
            assert await storage.retrieve("before") == 1
            assert await storage.retrieve("after") == 2
    finally:
        await drop("redis", config)


async def test_redis_unreachable_is_a_clear_error() -> None:
    with pytest.raises(StorageUnavailable, match="cannot use Redis at redis://127.0.0.1:1/0"):
        await asyncio.wait_for(
            RedisStorage().initialize({"url": "redis://127.0.0.1:1/0", "socket_timeout": 1}), 20
        )


def test_ci_cannot_pass_the_server_tests_by_skipping_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.integration.storage_backends import postgres_dsn, redis_url

    monkeypatch.delenv("NAETRA_TEST_POSTGRES_DSN", raising=False)
    monkeypatch.delenv("NAETRA_TEST_REDIS_URL", raising=False)
    monkeypatch.delenv("NAETRA_REQUIRE_SERVERS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="need NAETRA_TEST_POSTGRES_DSN"):
        postgres_dsn()
    monkeypatch.setenv("NAETRA_REQUIRE_SERVERS", "1")
    for setting in (postgres_dsn, redis_url):
        with pytest.raises(pytest.fail.Exception, match="forbids skipping them"):
            setting()


async def cancelled_after(opening: Coroutine[Any, Any, Any], steps: int, kept: list[BaseException]) -> bool:
    """Run ``opening`` this many short steps (the connection opens in a thread), then cancel
    it; True if it had finished first."""
    task = asyncio.ensure_future(opening)
    for _ in range(steps):
        await asyncio.sleep(0.0005)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError as cancelled:
        # kept, as the app's worker keeps the error it ended with: what that references is
        # not collected, so only closing the connection ends its thread
        kept.append(cancelled)
        return False
    return True


async def test_quitting_while_sqlite_opens_leaves_no_thread_behind(tmp_path: Path) -> None:
    """Quitting the app while storage was still opening hung the process at exit: the start
    was cancelled, the plugin's initialize() went on alone, and its open connection was never
    closed. Cancelled at every point of the start, nothing is left running."""
    from naetra_tui.plugin_host.manager import PluginManager

    config = write(
        tmp_path / "config.yaml",
        f"plugins:\n  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path}/s.db'}}}}\n",
    )
    assert not sqlite_threads()
    kept: list[BaseException] = []
    for steps in range(0, 40, 3):  # through the plugin manager, as the app opens its storage
        manager = PluginManager(str(config))
        await cancelled_after(manager.start("storage", "sqlite"), steps, kept)
        await manager.cleanup()
        assert await wait_for_no_sqlite_threads() == [], f"the manager left a connection open ({steps} steps)"
    for steps in range(0, 40, 3):  # the plugin alone, as the app opens its fallback SQLite
        storage = SQLiteStorage()
        if await cancelled_after(storage.initialize({"path": f"{tmp_path}/s.db"}), steps, kept):
            await storage.cleanup()  # it finished opening before the cancel: closed as usual
        assert await wait_for_no_sqlite_threads() == [], f"the plugin left a connection open ({steps} steps)"
    # and the database is intact: a later start opens it and sees its schema
    async with opened("sqlite", {"path": f"{tmp_path}/s.db"}) as storage:
        await storage.store("after", 1)
        assert await storage.retrieve("after") == 1
