"""Open each storage backend against the real servers (PostgreSQL, Redis) for the tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.builtin.storage.memory import MemoryStorage
from naetra_tui.builtin.storage.postgres import PostgresStorage
from naetra_tui.builtin.storage.redis import RedisStorage
from naetra_tui.builtin.storage.sqlite import SQLiteStorage

BACKENDS = ["sqlite", "memory", "postgres", "redis"]


def server_setting(variable: str, what: str) -> str:
    """The address of a real server for these tests. Unset: skipped with the reason, as on a
    laptop without the servers; but where NAETRA_REQUIRE_SERVERS=1 (CI) a missing server is a
    failure, so the PostgreSQL and Redis tests can never pass there by not running."""
    value = os.environ.get(variable)
    if not value:
        reason = f"{what} tests need {variable} (CI sets it; see .ci/run)"
        if os.environ.get("NAETRA_REQUIRE_SERVERS") == "1":
            pytest.fail(f"{reason}, and NAETRA_REQUIRE_SERVERS=1 forbids skipping them")
        pytest.skip(reason)
    return value


def postgres_dsn() -> str:
    return server_setting("NAETRA_TEST_POSTGRES_DSN", "PostgreSQL")


def redis_url() -> str:
    return server_setting("NAETRA_TEST_REDIS_URL", "Redis")


def backend_config(kind: str, tmp_path: Path, tag: str | None = None) -> dict[str, Any]:
    tag = tag or uuid.uuid4().hex[:10]
    if kind == "sqlite":
        return {"path": str(tmp_path / "naetra.db")}
    if kind == "postgres":
        return {"dsn": postgres_dsn(), "table": f"t_{tag}"}
    if kind == "redis":
        return {"url": redis_url(), "prefix": f"test:{tag}:"}
    return {}


CLASSES = {
    "sqlite": SQLiteStorage,
    "memory": MemoryStorage,
    "postgres": PostgresStorage,
    "redis": RedisStorage,
}


@asynccontextmanager
async def opened(kind: str, config: dict[str, Any]) -> AsyncIterator[Any]:
    storage = CLASSES[kind]()
    await storage.initialize(config)
    try:
        yield storage
    finally:
        await storage.cleanup()


async def drop(kind: str, config: dict[str, Any]) -> None:
    """Remove what a test created on the shared servers."""
    if kind == "postgres":
        import asyncpg

        conn = await asyncpg.connect(config["dsn"])
        try:
            await conn.execute(f"DROP TABLE IF EXISTS {config['table']}")
            await conn.execute(f"DROP TABLE IF EXISTS {config['table']}_meta")
        finally:
            await conn.close()
    elif kind == "redis":
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(config["url"])
        try:
            keys = [k async for k in client.scan_iter(match=config["prefix"] + "*")]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()
