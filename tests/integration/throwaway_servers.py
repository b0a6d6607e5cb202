"""Redis and PostgreSQL servers of a test's own, on free ports, that it may kill and restart.

The machine's shared servers (6379, 5432) are never touched: a storage fault is made by
killing one of these. Both keep their data on disk across a restart (Redis with its
append-only file), as a real server restarted by its admin would.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def missing(reason: str) -> None:
    """Skip where the server programs are not installed (a laptop); fail where
    NAETRA_REQUIRE_SERVERS=1 (CI), so the storage-fault tests can never pass by not running."""
    if os.environ.get("NAETRA_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{reason}, and NAETRA_REQUIRE_SERVERS=1 forbids skipping these tests")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout} s")


class ThrowawayRedis:
    def __init__(self, folder: Path) -> None:
        if shutil.which("redis-server") is None:
            missing("redis-server is not installed")
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)),
                *("--appendonly", "yes", "--appendfsync", "always", "--save", ""),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_listening(self.port, self.proc, "redis-server")

    def kill(self) -> None:
        """SIGKILL, as a crash: clients see connections refused until ``start``."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None


class ThrowawayPostgres:
    """initdb refuses to run as root: the cluster belongs to the ``postgres`` user."""

    def __init__(self, folder: Path) -> None:
        if shutil.which("initdb") is None or shutil.which("pg_ctl") is None:
            missing("initdb/pg_ctl are not installed")
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            folder.mkdir(parents=True, exist_ok=True)
            shutil.chown(folder, "postgres", "postgres")
            folder.chmod(0o700)
            for parent in folder.parents:  # the postgres user must reach its folder
                if parent == Path("/") or parent == Path(os.sep):
                    break
                parent.chmod(parent.stat().st_mode | 0o011)
        subprocess.run(
            [*self._as_user, "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                *(*self._as_user, "postgres", "-D", str(self.data), "-p", str(self.port)),
                *("-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.folder}"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_listening(self.port, self.proc, "postgres")
        deadline = time.monotonic() + 30  # after a crash it listens before recovery ends
        while time.monotonic() < deadline:
            ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)], check=False)
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("postgres did not accept sessions within 30 s")

    def kill(self) -> None:
        """Stop it at once (immediate shutdown: sessions are cut, as when a server dies)."""
        if self.proc is not None and self.proc.poll() is None:
            subprocess.run(
                [*self._as_user, "pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


@contextmanager
def throwaway_redis(folder: Path) -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis(folder)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@contextmanager
def throwaway_postgres(folder: Path) -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres(folder)
    server.start()
    try:
        yield server
    finally:
        server.kill()
