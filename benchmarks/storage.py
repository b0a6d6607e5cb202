"""Storage throughput per backend against raw sqlite3 executemany (prints figures; never fails).

Run: python benchmarks/storage.py [--postgres DSN] [--redis URL] [--symbols 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from naetra_tui.builtin.storage.postgres import PostgresStorage
from naetra_tui.builtin.storage.redis import RedisStorage
from naetra_tui.builtin.storage.sqlite import SQLiteStorage
from naetra_tui.core.normalize import history_from_arrays
from naetra_tui.services.state import AppState

N = 10_000


def raw_sqlite_baseline(path: Path, rows: list[tuple[str, str]], values: dict | None = None) -> float:
    """Rows per second of plain sqlite3 executemany; with ``values`` it JSON-encodes them first
    (the same work store_many does), otherwise the rows are already text."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL)")
    start = time.perf_counter()
    if values is not None:
        rows = [(k, json.dumps(v)) for k, v in values.items()]
    with conn:
        conn.executemany("INSERT INTO kv (key, value, expires_at) VALUES (?, ?, NULL)", rows)
    elapsed = time.perf_counter() - start
    conn.close()
    return len(rows) / elapsed


def history(symbol: str, bars: int = 2520):
    stamps = (np.datetime64("2016-01-04") + np.arange(bars)).astype("datetime64[s]")
    close = 100 + np.cumsum(np.random.default_rng(1).standard_normal(bars))
    cols = {"open": close, "high": close + 1, "low": close - 1, "close": close, "volume": np.full(bars, 1e6)}
    return history_from_arrays(symbol, "1D", stamps, cols, source="bench")


async def bench(name: str, storage: Any, symbols: int) -> None:
    values = {f"small/{i:05d}": {"i": i, "name": "x" * 20} for i in range(N)}
    start = time.perf_counter()
    for key, value in list(values.items())[:2000]:
        await storage.store(key, value)
    one_by_one = 2000 / (time.perf_counter() - start)
    start = time.perf_counter()
    await storage.store_many(values)
    many = N / (time.perf_counter() - start)
    start = time.perf_counter()
    for key in list(values)[:2000]:
        await storage.retrieve(key)
    reads = 2000 / (time.perf_counter() - start)
    state = AppState(storage)
    start = time.perf_counter()
    for i in range(symbols):
        await state.cache_history(history(f"S{i:04d}"), ttl=3600)
    write_cache = time.perf_counter() - start
    samples = []
    for _ in range(20):
        t0 = time.perf_counter()
        await state.cached_history("S0042", "1D")
        samples.append((time.perf_counter() - t0) * 1000)
    print(
        f"{name:9s} store: {one_by_one:9,.0f}/s  store_many: {many:9,.0f}/s  retrieve: {reads:9,.0f}/s  "
        f"cache {symbols}x2520 bars: {write_cache:6.2f} s  read one 10y history: {np.median(samples):5.2f} ms (median)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--symbols", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(f"small/{i:05d}", json.dumps({"i": i, "name": "x" * 20})) for i in range(N)]
        sqlite = SQLiteStorage()
        t0 = time.perf_counter()
        await sqlite.initialize({"path": str(Path(tmp) / "bench.db")})
        print(f"SQLite open (create + migrate): {(time.perf_counter() - t0) * 1000:.1f} ms")
        await sqlite.cleanup()
        t0 = time.perf_counter()
        await sqlite.initialize({"path": str(Path(tmp) / "bench.db")})
        print(f"SQLite open (existing file):    {(time.perf_counter() - t0) * 1000:.1f} ms")
        # Five alternating rounds, each into a fresh table / fresh keys; medians, because a
        # single fsync-bound run on a shared machine swings by 2x.
        raw, raw_encoding, ours = [], [], []
        for round_ in range(5):
            os.sync()  # each timed run starts with no other run's writes still being flushed
            raw.append(raw_sqlite_baseline(Path(tmp) / f"raw{round_}.db", rows))
            values = {f"r{round_}/{k}": json.loads(v) for k, v in rows}
            os.sync()
            raw_encoding.append(raw_sqlite_baseline(Path(tmp) / f"enc{round_}.db", rows, values))
            fresh = SQLiteStorage()  # a new file each round, like the raw runs
            await fresh.initialize({"path": str(Path(tmp) / f"ours{round_}.db")})
            os.sync()
            t0 = time.perf_counter()
            await fresh.store_many(values)
            ours.append(N / (time.perf_counter() - t0))
            await fresh.cleanup()
        baseline, with_encoding, mine = (statistics.median(x) for x in (raw, raw_encoding, ours))
        print(f"raw sqlite3 executemany of pre-encoded rows: {baseline:,.0f} rows/s (median of 5; baseline)")
        print(f"raw sqlite3 json.dumps + executemany:         {with_encoding:,.0f} rows/s")
        print(
            f"SQLite store_many of the same values:         {mine:,.0f} rows/s = {mine / baseline * 100:.0f}% of "
            f"raw executemany of pre-encoded rows (target >= 50%), {mine / with_encoding * 100:.0f}% of raw "
            "sqlite3 doing the encoding itself"
        )
        await bench("sqlite", sqlite, args.symbols)
        await sqlite.cleanup()
    tag = uuid.uuid4().hex[:8]
    for name, storage, config in (
        ("postgres", PostgresStorage(), {"dsn": args.postgres, "table": f"bench_{tag}"}),
        ("redis", RedisStorage(), {"url": args.redis, "prefix": f"bench:{tag}:"}),
    ):
        try:
            await storage.initialize(config)
        except Exception as exc:
            print(f"{name:9s} skipped: {exc}")
            continue
        try:
            await bench(name, storage, args.symbols)
        finally:
            if name == "postgres":
                async with storage.pool.acquire() as conn:
                    await conn.execute(f"DROP TABLE bench_{tag}; DROP TABLE bench_{tag}_meta")
            else:
                keys = [k async for k in storage.client.scan_iter(match=f"bench:{tag}:*")]
                for i in range(0, len(keys), 1000):
                    await storage.client.delete(*keys[i : i + 1000])
            await storage.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
