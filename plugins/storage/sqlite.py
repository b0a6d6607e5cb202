"""SQLite storage (the default): one file, WAL journal, durable commits, shared by processes."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from naetra_tui.core.errors import StorageError, StorageUnavailable
from naetra_tui.core.interfaces import IStorage
from naetra_tui.core.models import Health

from .common import SCHEMA_VERSION, decode, encode, expiry, pairs, prefix_upper_bound, shorten
from .leases import FileLeases

SQLITE_HEADER = b"SQLite format 3\x00"


def default_path() -> Path:
    from naetra_tui.core.paths import user_data_dir

    return user_data_dir() / "naetra.db"


class SQLiteConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str | None = None
    """Database file; default naetra.db in the user data directory."""
    busy_timeout_ms: int = Field(5000, ge=0)
    """How long a write waits for another process's write to finish."""


# Migrations: index i brings the schema from version i to i+1.
_MIGRATIONS: list[list[str]] = [
    [
        "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL)",
        "CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires_at) WHERE expires_at IS NOT NULL",
    ],
]


class SQLiteStorage(IStorage):
    """Key/value storage in a SQLite file."""

    description: ClassVar[str] = "SQLite file in the user data directory (default)"
    config_model: ClassVar[type[BaseModel]] = SQLiteConfig
    supports_ttl: ClassVar[bool] = True
    atomic_batches: ClassVar[bool] = True
    supports_leases: ClassVar[bool] = True

    def __init__(self) -> None:
        self.path: Path | None = None
        self._db: Any = None
        self._write_lock = asyncio.Lock()
        self._leases: FileLeases | None = None

    @property
    def location(self) -> str:
        return str(self.path) if self.path else "?"

    @property
    def identity(self) -> str:
        return f"sqlite {self.path.resolve() if self.path else '?'}"

    async def initialize(self, config: dict[str, Any]) -> None:
        import aiosqlite

        settings = SQLiteConfig.model_validate(config)
        self.path = Path(settings.path).expanduser() if settings.path else default_path()
        self._refuse_foreign_file(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # a new database is the user's alone (SQLite gives its -wal and -shm files the
            # same mode); an existing one keeps the mode its owner chose
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            self._db = await aiosqlite.connect(str(self.path), timeout=settings.busy_timeout_ms / 1000)
        except (OSError, sqlite3.Error) as exc:
            raise StorageUnavailable(f"cannot open the SQLite database {self.path}: {exc}") from None
        try:
            await self._db.execute(f"PRAGMA busy_timeout={int(settings.busy_timeout_ms)}")
            await self._switch_to_wal(settings.busy_timeout_ms / 1000)
            await self._db.execute("PRAGMA synchronous=FULL")
            await self._migrate()
        except sqlite3.Error as exc:
            await self.cleanup()
            raise StorageUnavailable(f"cannot use the SQLite database {self.path}: {exc}") from None
        except BaseException:
            # cancelled (the app quit while storage opened): nothing may be awaited now, and
            # the connection's thread would keep the process alive at exit
            db, self._db = self._db, None
            db.stop()
            raise

    async def _switch_to_wal(self, patience: float) -> None:
        """Two processes opening a new file at once: switching its journal mode can fail at
        once with "database is locked" (SQLite does not wait on the busy timeout for it), so
        it is retried for as long as the busy timeout allows."""
        deadline = time.monotonic() + patience
        while True:
            try:
                await self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                await asyncio.sleep(0.02)

    @staticmethod
    def _refuse_foreign_file(path: Path) -> None:
        """Never touch a file that is not a SQLite database."""
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            return
        except IsADirectoryError:
            raise StorageUnavailable(
                f"the SQLite path {path} is a directory; set storage path to a file"
            ) from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot read {path}: {exc.strerror}") from None
        if header and header != SQLITE_HEADER:
            raise StorageUnavailable(
                f"{path} exists but is not a SQLite database; it was left untouched "
                "(move it away or set another path under the sqlite plugin's config)"
            )

    async def _migrate(self) -> None:
        async with self._write_lock:
            await self._db.execute("BEGIN IMMEDIATE")  # one process migrates at a time
            try:
                await self._db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
                row = await (
                    await self._db.execute("SELECT value FROM meta WHERE name='schema_version'")
                ).fetchone()
                version = int(row[0]) if row else 0
                if version > SCHEMA_VERSION:
                    raise StorageUnavailable(
                        f"{self.path} was written by a newer naetra-tui (schema {version}); upgrade naetra-tui"
                    )
                for step in _MIGRATIONS[version:SCHEMA_VERSION]:
                    for statement in step:
                        await self._db.execute(statement)
                await self._db.execute(
                    "INSERT INTO meta (name, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT(name) DO UPDATE SET value=excluded.value",
                    (str(SCHEMA_VERSION),),
                )
                await self._db.commit()
            except BaseException:
                await self._db.rollback()
                raise

    def _conn(self) -> Any:
        if self._db is None:
            raise StorageUnavailable("the SQLite storage is closed")
        return self._db

    async def _write(self, sql: str, rows: list[tuple[Any, ...]], key: str | None) -> None:
        db = self._conn()
        async with self._write_lock:  # a batch must not share a transaction with another task
            try:
                await db.execute("BEGIN IMMEDIATE")
                await db.executemany(sql, rows)
                await db.commit()
            except sqlite3.Error as exc:
                await db.rollback()
                where = f"key {shorten(key)}" if key is not None else f"{len(rows)} keys"
                raise StorageError(f"could not save {where} to {self.path}: {exc}", key=key) from None

    _UPSERT = (
        "INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value=excluded.value, expires_at=excluded.expires_at"
    )

    async def store(self, key: str, data: Any, ttl: float | None = None) -> None:
        await self._write(self._UPSERT, [(key, encode(key, data), expiry(ttl))], key)

    async def store_many(
        self, items: Mapping[str, Any] | Iterable[tuple[str, Any]], ttl: float | None = None
    ) -> None:
        expires = expiry(ttl)
        rows = pairs(items, expires)
        if rows:
            await self._write(self._UPSERT, rows, None)

    async def retrieve(self, key: str) -> Any:
        try:
            cursor = await self._conn().execute(
                "SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)",
                (key, time.time()),
            )
            row = await cursor.fetchone()
        except sqlite3.Error as exc:
            raise StorageError(
                f"could not read key {shorten(key)} from {self.path}: {exc}", key=key
            ) from None
        return decode(row[0]) if row else None

    async def retrieve_many(self, keys: Sequence[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        now = time.time()
        for start in range(0, len(keys), 500):  # below SQLite's limit of bound parameters
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            try:
                cursor = await self._conn().execute(
                    f"SELECT key, value FROM kv WHERE key IN ({marks}) AND (expires_at IS NULL OR expires_at > ?)",
                    (*chunk, now),
                )
                rows = await cursor.fetchall()
            except sqlite3.Error as exc:
                raise StorageError(f"could not read {len(chunk)} keys from {self.path}: {exc}") from None
            found.update((key, decode(value)) for key, value in rows)
        return found

    async def delete(self, key: str) -> bool:
        db = self._conn()
        async with self._write_lock:
            try:
                cursor = await db.execute("DELETE FROM kv WHERE key = ?", (key,))
                await db.commit()
            except sqlite3.Error as exc:  # a delete needs room in the journal too
                await db.rollback()
                raise StorageError(
                    f"could not delete key {shorten(key)} in {self.path}: {exc}", key=key
                ) from None
        return cursor.rowcount > 0

    async def keys(self, prefix: str = "") -> list[str]:
        upper = prefix_upper_bound(prefix)
        sql = "SELECT key FROM kv WHERE key >= ? AND (expires_at IS NULL OR expires_at > ?)"
        params: tuple[Any, ...] = (prefix, time.time())
        if upper is not None:
            sql += " AND key < ?"
            params += (upper,)
        try:
            cursor = await self._conn().execute(sql + " ORDER BY key", params)
            rows = await cursor.fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"could not list keys in {self.path}: {exc}") from None
        return [row[0] for row in rows if row[0].startswith(prefix)]

    async def health_check(self) -> Health:
        try:
            await (await self._conn().execute("SELECT 1")).fetchone()
        except (sqlite3.Error, StorageError) as exc:
            return Health(healthy=False, detail=f"SQLite {self.path}: {exc}")
        return Health(healthy=True, detail=str(self.path))

    async def lease(self, name: str, ttl: float) -> bool:
        """An OS file lock beside the database: the processes sharing the file share the lease."""
        if self.path is None:
            raise StorageUnavailable("the SQLite storage is not open")
        if self._leases is None:
            self._leases = FileLeases(self.path)
        try:
            return self._leases.take(name)
        except OSError as exc:
            raise StorageError(f"SQLite {self.path}: cannot take the lease {name}: {exc.strerror}") from None

    async def release_lease(self, name: str) -> None:
        if self._leases is not None:
            self._leases.release(name)

    async def cleanup(self) -> None:
        if self._leases is not None:
            self._leases.release_all()
        db, self._db = self._db, None
        if db is not None:
            await db.close()  # an open aiosqlite connection keeps the process alive at exit
