"""PostgreSQL storage (asyncpg pool) for teams: several terminals share one database.

The guide's ``PostgresStorage`` with an upsert instead of a duplicate insert, JSONB values and the
table created if absent. Keys are stored as bytes with a SHA-256 primary key, so keys of any
length and with NUL characters work (PostgreSQL text can hold neither a NUL nor, indexed, a
10,000-character value).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from naetra_tui.core.errors import StorageError, StorageUnavailable
from naetra_tui.core.interfaces import IStorage
from naetra_tui.core.models import Health
from naetra_tui.core.secrets import redact

from .common import SCHEMA_VERSION, decode, expiry, pairs, shorten
from .leases import AdvisoryLeases

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")


class PostgresConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dsn: SecretStr | None = None
    """postgresql://user:password@host:port/database (instead of the fields below)."""
    host: str = "127.0.0.1"
    port: int = 5432
    database: str = "naetra"
    user: str | None = None
    password: SecretStr | None = None
    table: str = "naetra_kv"
    """Table name (letters, digits, underscore); created if absent."""
    connect_timeout: float = Field(5.0, gt=0)
    command_timeout: float = Field(30.0, gt=0)
    pool_max: int = Field(5, ge=1, le=100)

    @field_validator("table")
    @classmethod
    def _identifier(cls, value: str) -> str:
        # identifiers cannot be query parameters: only a strict pattern is ever put in SQL
        if not _IDENTIFIER.match(value):
            raise ValueError("must be lower-case letters, digits and underscores (max 41)")
        return value


def _key_bytes(key: str) -> bytes:
    if not isinstance(key, str):
        raise StorageError(f"storage keys are text, not {type(key).__name__}")
    return key.encode("utf-8", "surrogatepass")


def _digest(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()


def _json_for_jsonb(key: str, text: str) -> str:
    if "\\u0000" in text:
        raise StorageError(
            f"cannot store key {shorten(key)}: PostgreSQL JSONB cannot hold NUL characters", key=key
        )
    return text


def _expires(ttl: float | None) -> datetime | None:
    at = expiry(ttl)
    return datetime.fromtimestamp(at, UTC) if at is not None else None


class PostgresStorage(IStorage):
    """Key/value storage in a PostgreSQL table with JSONB values."""

    description: ClassVar[str] = "PostgreSQL (asyncpg pool): share watchlists and chats across terminals"
    config_model: ClassVar[type[BaseModel]] = PostgresConfig
    supports_ttl: ClassVar[bool] = True
    atomic_batches: ClassVar[bool] = True
    supports_leases: ClassVar[bool] = True

    def __init__(self) -> None:
        self.pool: Any = None
        self.settings = PostgresConfig()
        self._leases: AdvisoryLeases | None = None

    @property
    def location(self) -> str:
        s = self.settings
        if s.dsn is not None:
            return redact(s.dsn.get_secret_value())
        return f"postgresql://{s.user or ''}@{s.host}:{s.port}/{s.database}"

    @property
    def identity(self) -> str:
        # from the DSN's parts without its password (its redacted form hides what differs)
        from urllib.parse import urlsplit

        s = self.settings
        if s.dsn is None:
            return f"postgresql {s.user or ''}@{s.host}:{s.port}/{s.database} table={s.table}"
        url = urlsplit(s.dsn.get_secret_value())
        return f"postgresql {url.username or ''}@{url.hostname}:{url.port or 5432}{url.path} table={s.table}"

    async def initialize(self, config: dict[str, Any]) -> None:
        import asyncpg

        self.settings = s = PostgresConfig.model_validate(config)
        kwargs: dict[str, Any] = {
            "min_size": 1,
            "max_size": s.pool_max,
            "timeout": s.connect_timeout,
            "command_timeout": s.command_timeout,
            "init": self._init_connection,
        }
        if s.dsn is not None:
            kwargs["dsn"] = s.dsn.get_secret_value()
        else:
            kwargs.update(host=s.host, port=s.port, database=s.database, user=s.user)
            if s.password is not None:
                kwargs["password"] = s.password.get_secret_value()
        try:
            self.pool = await asyncio.wait_for(asyncpg.create_pool(**kwargs), s.connect_timeout + 1)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StorageUnavailable(
                f"cannot connect to PostgreSQL at {self.location}: {self._reason(exc)}"
            ) from None
        await self._migrate()

    @staticmethod
    async def _init_connection(conn: Any) -> None:
        await conn.set_type_codec("jsonb", encoder=lambda v: v, decoder=lambda v: v, schema="pg_catalog")

    @staticmethod
    def _reason(exc: BaseException) -> str:
        return redact(str(exc) or type(exc).__name__)

    async def _migrate(self) -> None:
        t = self.settings.table
        steps = [
            [
                f"CREATE TABLE IF NOT EXISTS {t} (key_hash BYTEA PRIMARY KEY, key BYTEA NOT NULL, "
                "value JSONB NOT NULL, expires_at TIMESTAMPTZ, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            ],
        ]
        async with self._acquire("migrate") as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", t)  # one migrator at a time
            await conn.execute(f"CREATE TABLE IF NOT EXISTS {t}_meta (name TEXT PRIMARY KEY, value TEXT)")
            version = int(await conn.fetchval(f"SELECT value FROM {t}_meta WHERE name='schema_version'") or 0)
            if version > SCHEMA_VERSION:
                raise StorageUnavailable(f"table {t} was written by a newer naetra-tui (schema {version})")
            for step in steps[version:SCHEMA_VERSION]:
                for statement in step:
                    await conn.execute(statement)
            await conn.execute(
                f"INSERT INTO {t}_meta (name, value) VALUES ('schema_version', $1) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                str(SCHEMA_VERSION),
            )

    def _acquire(self, what: str) -> Any:
        if self.pool is None:
            raise StorageUnavailable("the PostgreSQL storage is closed")
        return _Guard(self, what)

    async def store(self, key: str, data: Any, ttl: float | None = None) -> None:
        await self.store_many([(key, data)], ttl=ttl)

    async def store_many(
        self, items: Mapping[str, Any] | Iterable[tuple[str, Any]], ttl: float | None = None
    ) -> None:
        expires = _expires(ttl)
        rows = []
        for key, text in pairs(items):
            raw = _key_bytes(key)
            rows.append((_digest(raw), raw, _json_for_jsonb(key, text), expires))
        if not rows:
            return
        what = (
            f"key {shorten(rows[0][1].decode('utf-8', 'replace'))}" if len(rows) == 1 else f"{len(rows)} keys"
        )
        async with self._acquire(f"save {what}") as conn, conn.transaction():
            await conn.executemany(
                f"INSERT INTO {self.settings.table} (key_hash, key, value, expires_at) "
                "VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (key_hash) DO UPDATE "
                "SET value = excluded.value, expires_at = excluded.expires_at, updated_at = now()",
                rows,
            )

    async def retrieve(self, key: str) -> Any:
        async with self._acquire(f"read key {shorten(key)}") as conn:
            text = await conn.fetchval(
                f"SELECT value FROM {self.settings.table} WHERE key_hash = $1 "
                "AND (expires_at IS NULL OR expires_at > now())",
                _digest(_key_bytes(key)),
            )
        return decode(text)

    async def retrieve_many(self, keys: Sequence[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for start in range(0, len(keys), 5000):
            chunk = list(keys[start : start + 5000])
            async with self._acquire(f"read {len(chunk)} keys") as conn:
                rows = await conn.fetch(
                    f"SELECT key, value FROM {self.settings.table} WHERE key_hash = ANY($1::bytea[]) "
                    "AND (expires_at IS NULL OR expires_at > now())",
                    [_digest(_key_bytes(k)) for k in chunk],
                )
            found.update((bytes(r["key"]).decode("utf-8", "surrogatepass"), decode(r["value"])) for r in rows)
        return found

    async def delete(self, key: str) -> bool:
        async with self._acquire(f"delete key {shorten(key)}") as conn:
            status = await conn.execute(
                f"DELETE FROM {self.settings.table} WHERE key_hash = $1", _digest(_key_bytes(key))
            )
        return status.endswith(" 1")

    async def keys(self, prefix: str = "") -> list[str]:
        raw = _key_bytes(prefix)
        async with self._acquire("list keys") as conn:
            rows = await conn.fetch(
                f"SELECT key FROM {self.settings.table} WHERE substring(key from 1 for $2) = $1 "
                "AND (expires_at IS NULL OR expires_at > now()) ORDER BY key",
                raw,
                len(raw),
            )
        return [bytes(r["key"]).decode("utf-8", "surrogatepass") for r in rows]

    async def health_check(self) -> Health:
        try:
            async with self._acquire("health check") as conn:
                await conn.fetchval("SELECT 1")
        except StorageError as exc:
            return Health(healthy=False, detail=str(exc))
        return Health(healthy=True, detail=self.location)

    async def lease(self, name: str, ttl: float) -> bool:
        """A session advisory lock (``ttl`` is not needed: the server frees it with the session)."""
        if self.pool is None:
            raise StorageUnavailable("PostgreSQL is not connected")
        if self._leases is None:
            self._leases = AdvisoryLeases(self.pool)
        try:
            return await self._leases.take(f"{self.settings.table}:{name}")
        except _connection_errors() as exc:
            raise StorageUnavailable(
                f"PostgreSQL: cannot take the lease {name}: {self._reason(exc)}"
            ) from None

    async def release_lease(self, name: str) -> None:
        if self._leases is not None:
            await self._leases.release(f"{self.settings.table}:{name}")

    async def cleanup(self) -> None:
        if self._leases is not None:
            await self._leases.release_all()
            self._leases = None
        pool, self.pool = self.pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), 5)
            except (TimeoutError, OSError):
                pool.terminate()


def _connection_errors() -> tuple[type[BaseException], ...]:
    import asyncpg

    return (
        OSError,
        asyncio.TimeoutError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        asyncpg.exceptions.InternalClientError,
    )


def _is_closed(conn: Any) -> bool:
    """A connection the pool took back when it was lost counts as closed."""
    import asyncpg

    try:
        return bool(conn.is_closed())
    except asyncpg.InterfaceError:
        return True


class _Guard:
    """Acquire a pooled connection; turn connection loss into a clear StorageError.

    After a lost connection every pooled connection is expired, so the next operation opens a
    fresh one: the store reconnects by itself, the operation in flight fails clearly, and its
    transaction (rolled back by the server) leaves nothing half-written.
    """

    def __init__(self, storage: PostgresStorage, what: str) -> None:
        self.storage = storage
        self.what = what
        self._cm: Any = None
        self._conn: Any = None

    async def __aenter__(self) -> Any:
        self._cm = self.storage.pool.acquire()
        try:
            self._conn = await self._cm.__aenter__()
        except _connection_errors() as exc:
            raise StorageUnavailable(
                f"PostgreSQL at {self.storage.location} is unreachable; could not {self.what}: "
                f"{PostgresStorage._reason(exc)}"
            ) from None
        return self._conn

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        import asyncpg

        broken = (
            exc is not None
            and isinstance(exc, _connection_errors())
            and not isinstance(
                exc, asyncpg.exceptions.DataError | asyncpg.exceptions.IntegrityConstraintViolationError
            )
        )
        # A server shutting the session down (57P01 after a restart or pg_terminate_backend)
        # or a connection-class error (08xxx) can arrive before asyncpg marks the connection
        # closed: the pool's other connections are as dead, so they are all expired too.
        session_ended = isinstance(
            exc, asyncpg.exceptions.OperatorInterventionError | asyncpg.exceptions.PostgresConnectionError
        )
        if (
            broken
            and self._conn is not None
            and (_is_closed(self._conn) or session_ended or not isinstance(exc, asyncpg.PostgresError))
        ):
            with contextlib.suppress(asyncpg.InterfaceError):  # already handed back: nothing to end
                self._conn.terminate()
            await self.storage.pool.expire_connections()
        try:
            await self._cm.__aexit__(exc_type, exc, tb)
        except _connection_errors():
            pass  # releasing a dead connection; the pool replaces it
        if broken and exc is not None:
            raise StorageError(
                f"PostgreSQL failed; could not {self.what} (nothing was half-written): "
                f"{PostgresStorage._reason(exc)}"
            ) from None
        return False
