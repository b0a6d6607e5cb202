"""One conformance suite every storage backend passes, against the real servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.core.errors import StorageError
from tests.integration.storage_backends import BACKENDS, backend_config, drop, opened


@pytest.fixture(params=BACKENDS)
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    kind = request.param
    config = backend_config(kind, tmp_path)
    try:
        async with opened(kind, config) as backend:
            yield backend
    finally:
        await drop(kind, config)


VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -17,
    2**53,
    3.14159,
    -0.0,
    "",
    "plain",
    "unicode: ÆØÅ 漢字 🚀 \u200b",
    [],
    [1, "two", 3.0, None, [4, [5]]],
    {},
    {"nested": {"deeper": [1, {"x": "y"}]}, "emoji": "📈"},
]


async def test_round_trip_of_every_json_type(storage: Any) -> None:
    for index, value in enumerate(VALUES):
        await storage.store(f"value/{index}", value)
    for index, value in enumerate(VALUES):
        assert await storage.retrieve(f"value/{index}") == value
    assert await storage.retrieve("absent") is None


async def test_overwrite_and_delete(storage: Any) -> None:
    await storage.store("k", {"v": 1})
    await storage.store("k", {"v": 2})
    assert await storage.retrieve("k") == {"v": 2}
    assert await storage.delete("k") is True
    assert await storage.retrieve("k") is None
    assert await storage.delete("k") is False


async def test_keys_by_prefix(storage: Any) -> None:
    await storage.store_many({"wl/a": 1, "wl/b": 2, "wl/c/d": 3, "wm": 4, "chat/1": 5, "w*l": 6})
    assert await storage.keys("wl/") == ["wl/a", "wl/b", "wl/c/d"]
    assert await storage.keys("w*") == ["w*l"]  # glob characters are literal
    assert await storage.keys("nothing/") == []
    assert await storage.keys("") == sorted(["wl/a", "wl/b", "wl/c/d", "wm", "chat/1", "w*l"])


async def test_batched_writes(storage: Any) -> None:
    items = {f"batch/{i:04d}": {"i": i} for i in range(500)}
    await storage.store_many(items)
    assert len(await storage.keys("batch/")) == 500
    assert await storage.retrieve("batch/0499") == {"i": 499}


async def test_bad_value_in_a_batch_stores_nothing(storage: Any) -> None:
    with pytest.raises(StorageError, match="set is not JSON serializable"):
        await storage.store_many([("ok/1", 1), ("bad", {1, 2}), ("ok/2", 2)])
    assert await storage.keys("ok/") == []


async def test_ttl_expiry(storage: Any) -> None:
    await storage.store("short", "gone soon", ttl=0.3)
    await storage.store_many({"short2": 1}, ttl=0.3)
    await storage.store("long", "stays")
    assert await storage.retrieve("short") == "gone soon"
    await asyncio.sleep(0.5)
    assert await storage.retrieve("short") is None
    assert await storage.retrieve("short2") is None
    assert await storage.keys("") == ["long"]
    with pytest.raises(StorageError, match="ttl must be a positive number"):
        await storage.store("x", 1, ttl=-1)


async def test_retrieve_many_reads_what_retrieve_reads(storage: Any) -> None:
    """One query per batch (the portfolio reads thousands of lots at once): the same values as
    one retrieve each, absent and expired keys left out, awkward keys and more keys than one
    query of SQLite (500) or Redis (1,000) takes."""
    awkward = ['it\'s "quoted"', "nul\x00byte", "ユニコード", "k" * 2000]
    values = {f"many/{i:05d}": {"i": i, "s": "naïve ✓"} for i in range(2600)} | {
        k: [n] for n, k in enumerate(awkward)
    }
    await storage.store_many(values)
    await storage.store("many/expiring", 1, ttl=0.2)
    await asyncio.sleep(0.3)
    wanted = [*values, "many/missing", "many/expiring"]
    assert await storage.retrieve_many(wanted) == values
    assert await storage.retrieve_many([]) == {}
    for key in (*awkward, "many/02599"):
        assert (await storage.retrieve_many([key]))[key] == await storage.retrieve(key)


async def test_concurrency_from_many_tasks(storage: Any) -> None:
    async def writer(n: int) -> None:
        for i in range(20):
            await storage.store(f"task{n}/{i}", [n, i])
        await storage.store_many({f"task{n}/batch{i}": i for i in range(5)})

    await asyncio.gather(*(writer(n) for n in range(25)))
    keys = await storage.keys("task")
    assert len(keys) == 25 * 25
    assert await storage.retrieve("task24/19") == [24, 19]


@pytest.mark.parametrize(
    "key",
    ['it\'s "quoted"', "'; DROP TABLE kv;--", "nul\x00byte", "k" * 10_000, "slash/and\\back", "ユニコード"],
    ids=["quotes", "sql-injection", "nul", "10k-chars", "slashes", "unicode"],
)
async def test_awkward_keys(storage: Any, key: str) -> None:
    await storage.store(key, {"key": "ok"})
    assert await storage.retrieve(key) == {"key": "ok"}
    assert key in await storage.keys(key[:3])
    await storage.store("other", 1)
    assert await storage.retrieve("other") == 1  # the table survived


async def test_ten_megabyte_value(storage: Any) -> None:
    big = {"blob": "x" * (10 * 1024 * 1024), "n": [1, 2, 3]}
    await storage.store("big", big)
    assert await storage.retrieve("big") == big


async def test_value_that_is_not_json_names_the_type_and_stores_nothing(storage: Any) -> None:
    class Custom:
        pass

    with pytest.raises(StorageError) as info:
        await storage.store("custom", {"obj": Custom()})
    assert "Custom is not JSON serializable" in str(info.value) and "'custom'" in str(info.value)
    with pytest.raises(StorageError, match="Out of range float values are not JSON compliant"):
        await storage.store("nan", float("nan"))
    assert await storage.retrieve("custom") is None
    assert await storage.keys("") == []
