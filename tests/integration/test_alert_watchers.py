"""Several watchers on one storage (#36): each alert fires once. The lease is the storage's own
means — a PostgreSQL advisory lock, a Redis key with an expiry, a file lock beside SQLite — and
passes on by itself when its holder dies: shown with two storage connections, then with two
real `naetra-tui watch` processes, one killed, on the machine's PostgreSQL, a throwaway Redis
and a SQLite file."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.cli import main
from tests.conftest import write
from tests.integration.storage_backends import BACKENDS, backend_config, drop, opened
from tests.integration.throwaway_servers import throwaway_redis


@pytest.mark.parametrize("kind", [b for b in BACKENDS if b != "memory"])
async def test_one_holder_at_a_time_and_a_release_hands_over(kind: str, tmp_path: Path) -> None:
    config = backend_config(kind, tmp_path)
    try:
        async with opened(kind, config) as first, opened(kind, config) as second:
            assert await first.lease("alerts-evaluator", 15) is True
            assert await first.lease("alerts-evaluator", 15) is True  # renewed while held
            assert await second.lease("alerts-evaluator", 15) is False
            assert await second.lease("another", 15) is True  # names are separate leases
            await first.release_lease("alerts-evaluator")
            assert await second.lease("alerts-evaluator", 15) is True
            assert await first.lease("alerts-evaluator", 15) is False
    finally:
        await drop(kind, config)


async def test_a_redis_lease_expires_when_its_holder_stops_renewing(tmp_path: Path) -> None:
    config = backend_config("redis", tmp_path)
    try:
        async with opened("redis", config) as first, opened("redis", config) as second:
            assert await first.lease("alerts-evaluator", 1.0)
            assert not await second.lease("alerts-evaluator", 1.0)
            await asyncio.sleep(1.3)  # the holder is silent (killed): the key expires
            assert await second.lease("alerts-evaluator", 1.0)
            assert not await first.lease("alerts-evaluator", 1.0)  # and the old holder knows it lost it
    finally:
        await drop("redis", config)


def watcher_config(tmp_path: Path, storage: str, settings: dict[str, Any], log: Path) -> Path:
    program = tmp_path / "record.py"
    program.write_text(
        "import json, os, sys\n"
        "notice = json.load(sys.stdin)\n"
        f"with open({str(log)!r}, 'a') as out:\n"
        "    out.write(json.dumps({'alert': notice['alert_id'], 'watcher': os.getppid()}) + '\\n')\n"
    )
    return write(
        tmp_path / "c.yaml",
        f"app:\n  storage: {storage}\n  llm: none\n  refresh_interval: 5\nalerts:\n  watch_interval: 5\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  storage:\n    - {{name: {storage}, plugin: {storage}, config: {json.dumps(settings)}}}\n"
        f"  notifiers:\n    - {{name: record, plugin: command, config: {{program: [{sys.executable}, '{program}']}}}}\n",
    )


def start_watcher(path: Path, tmp_path: Path, tag: str) -> tuple[subprocess.Popen[bytes], Path]:
    err = tmp_path / f"watcher-{tag}.err"
    proc = subprocess.Popen(
        [sys.executable, "-m", "naetra_tui", "--config", str(path), "watch", "--interval", "1"],
        stdout=subprocess.DEVNULL,
        stderr=err.open("wb"),
        cwd=tmp_path,  # not the repository: the installed package, as users run it
    )
    return proc, err


def wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


def fired(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def add_alert(path: Path, symbol: str, rule: str) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--config", str(path), "alerts", "add", symbol, rule]) == 0
    return out.getvalue().split("added alert ")[1].split(":")[0]


def two_watchers_one_killed(path: Path, tmp_path: Path, log: Path, handover: float) -> None:
    ids = [add_alert(path, s, "price > 1") for s in ("AAPL", "MSFT")]
    first, first_err = start_watcher(path, tmp_path, "a")
    second, second_err = start_watcher(path, tmp_path, "b")
    try:
        wait_until(lambda: len(fired(log)) >= 2, 60, "the two alerts fired")
        time.sleep(3)  # both watchers have run several checks
        holder = {e["watcher"] for e in fired(log)}
        assert len(holder) == 1, fired(log)
        killed, survivor = (first, second) if first.pid in holder else (second, first)
        survivor_err = second_err if survivor is second else first_err
        wait_until(lambda: "standing by" in survivor_err.read_text(), 20, "the other watcher stands by")
        killed.send_signal(signal.SIGKILL)  # mid-run, no goodbye: the lease must pass by itself
        killed.wait(10)
        ids.append(add_alert(path, "NVDA", "price > 1"))
        wait_until(lambda: len(fired(log)) >= 3, handover, "the survivor took over and fired the new alert")
        time.sleep(3)  # and fired nothing twice in the checks after
        events = fired(log)
        assert sorted(e["alert"] for e in events) == sorted(ids), events  # each alert once
        assert events[-1]["watcher"] == survivor.pid
        assert "checking" in survivor_err.read_text()
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()


def test_two_watchers_on_postgres_fire_each_alert_once_and_hand_over_when_one_dies(tmp_path: Path) -> None:
    settings = backend_config("postgres", tmp_path)
    log = tmp_path / "fired.jsonl"
    try:
        two_watchers_one_killed(
            watcher_config(tmp_path, "postgres", settings, log), tmp_path, log, handover=30
        )
    finally:
        asyncio.run(drop("postgres", settings))


def test_two_watchers_on_a_throwaway_redis_hand_over_when_the_key_expires(tmp_path: Path) -> None:
    with throwaway_redis(tmp_path / "redis") as server:
        settings = {"url": server.url, "prefix": f"w{uuid.uuid4().hex[:6]}:"}
        log = tmp_path / "fired.jsonl"
        # the lease lives 15 s unrenewed (3 checks of 5 s): the survivor takes over within that
        two_watchers_one_killed(watcher_config(tmp_path, "redis", settings, log), tmp_path, log, handover=45)


def test_two_watchers_on_one_sqlite_file(tmp_path: Path) -> None:
    log = tmp_path / "fired.jsonl"
    settings = {"path": str(tmp_path / "shared.db")}
    two_watchers_one_killed(watcher_config(tmp_path, "sqlite", settings, log), tmp_path, log, handover=30)


@pytest.mark.parametrize("kind", ["sqlite", "postgres", "redis"])
async def test_the_app_does_not_check_while_a_watcher_holds_the_lease(kind: str, tmp_path: Path) -> None:
    """The app's check on the same storage stands by, reads what the watcher fired, and takes
    over once the watcher lets go."""
    from naetra_tui.config import load_config
    from naetra_tui.services.session import Phase, session_for

    settings = backend_config(kind, tmp_path)
    path = write(
        tmp_path / "app.yaml",
        f"app:\n  storage: {kind}\n  llm: none\nplugins:\n"
        "  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  storage:\n    - {{name: {kind}, plugin: {kind}, config: {json.dumps(settings)}}}\n"
        "  notifiers:\n    - {name: terminal, plugin: terminal, config: {bell: false}}\n",
    )
    try:
        async with opened(kind, settings) as watcher:  # a watcher elsewhere, holding the lease
            assert await watcher.lease("alerts-evaluator", 15)
            async with session_for(load_config(path), Phase.ALL) as session:
                alert = await session.alerts.add("AAPL", "price > 1")
                rows = await session.market.refresh(["AAPL"])
                quote_of = lambda s: rows[s].quote if s in rows else None  # noqa: E731
                assert await session.alerts.check(quote_of) == []
                assert session.alerts.checked_elsewhere and session.alerts.find(alert.id).active  # type: ignore[union-attr]
                await watcher.release_lease("alerts-evaluator")
                [event] = await session.alerts.check(quote_of)
                assert event.alert_id == alert.id and not session.alerts.checked_elsewhere
    finally:
        await drop(kind, settings)


async def test_a_symlink_planted_where_the_lease_file_goes_is_refused(tmp_path: Path) -> None:
    from naetra_tui.core.errors import StorageError

    config = backend_config("sqlite", tmp_path)
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "naetra.db.alerts-evaluator.lease").symlink_to(target)
    async with opened("sqlite", config) as storage:
        with pytest.raises(StorageError, match="cannot take the lease alerts-evaluator"):
            await storage.lease("alerts-evaluator", 15)
    assert target.read_text() == "keep me"
