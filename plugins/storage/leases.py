"""Exclusive named leases on each storage's own means, for alert watchers (one evaluates, the
others stand by and take over when it dies): a PostgreSQL session advisory lock (released by
the server when the holder's connection ends), a Redis lock key with an expiry (redis-py's
``Lock``: renewed while held, gone ``ttl`` seconds after its holder stops), and an OS file lock
beside a SQLite database (released by the kernel when the holder exits)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock``."""
    return int.from_bytes(
        hashlib.blake2b(f"naetra-tui:{name}".encode(), digest_size=8).digest(), "big", signed=True
    )


class AdvisoryLeases:
    """Each lease held on its own pooled connection, kept while held."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.held: dict[str, Any] = {}

    async def take(self, name: str) -> bool:
        conn = self.held.get(name)
        if conn is not None:
            try:
                if not conn.is_closed() and await conn.fetchval("SELECT 1") == 1:
                    return True
            except Exception:
                pass
            self.held.pop(name, None)  # the session ended, and the server released the lock with it
            await self._give_back(conn)
        conn = await self.pool.acquire()
        try:
            got = await conn.fetchval("SELECT pg_try_advisory_lock($1)", advisory_key(name))
        except BaseException:
            await self._give_back(conn)
            raise
        if got:
            self.held[name] = conn
            return True
        await self._give_back(conn)
        return False

    async def _give_back(self, conn: Any) -> None:
        try:
            await self.pool.release(conn)  # asyncpg's reset unlocks every advisory lock it held
        except Exception:
            conn.terminate()

    async def release(self, name: str) -> None:
        conn = self.held.pop(name, None)
        if conn is not None:
            try:
                await conn.execute("SELECT pg_advisory_unlock($1)", advisory_key(name))
            except Exception:
                pass
            await self._give_back(conn)

    async def release_all(self) -> None:
        for name in list(self.held):
            await self.release(name)


class RedisLeases:
    def __init__(self, client: Any, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self.held: dict[str, Any] = {}

    async def take(self, name: str, ttl: float) -> bool:
        from redis.exceptions import LockError

        lock = self.held.get(name)
        if lock is not None:
            try:
                if await lock.owned():
                    await lock.extend(ttl, replace_ttl=True)
                    return True
            except LockError:
                pass
            self.held.pop(name, None)  # it expired (and another may hold it now)
        lock = self.client.lock(f"{self.prefix}lease:{name}", timeout=ttl, blocking=False, thread_local=False)
        if await lock.acquire(blocking=False):
            self.held[name] = lock
            return True
        return False

    async def release(self, name: str) -> None:
        from redis.exceptions import LockError

        lock = self.held.pop(name, None)
        if lock is not None:
            try:
                await lock.release()
            except LockError:
                pass  # expired already


class FileLeases:
    """``fcntl.flock`` on ``<database>.<name>.lease`` (mode 0600)."""

    def __init__(self, beside: Path) -> None:
        self.beside = beside
        self.held: dict[str, int] = {}

    def take(self, name: str) -> bool:
        if name in self.held:
            return True
        try:
            import fcntl
        except ImportError:  # Windows: one watcher per database is the user's to keep
            return True
        path = self.beside.with_name(f"{self.beside.name}.{name}.lease")
        # never through a planted symlink (it is only locked, never written, but not followed either)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self.held[name] = fd
        return True

    def release(self, name: str) -> None:
        fd = self.held.pop(name, None)
        if fd is not None:
            os.close(fd)  # closing the descriptor drops the lock

    def release_all(self) -> None:
        for name in list(self.held):
            self.release(name)
