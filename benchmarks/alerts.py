"""Alert figures (#36): evaluating 1,000 alerts over 200 symbols on a refresh (target <= 20 ms);
a one-year backtest of a compound rule on daily bars (target <= 50 ms); the watcher's idle CPU
(target < 0.1 s a minute). Prints figures; never fails.

Run: python benchmarks/alerts.py   (from outside the source tree: it uses the installed package)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

RULES = [
    "price > 10000",
    "rsi < 5 and price > sma200",
    "(change% 5d < -60 or volume > 50x avg20) and rsi < 40",
    "sma50 cross above sma200",
    "macd cross up and price < bb_lower",
]


def daily(symbol: str, bars: int, seed: int):  # type: ignore[no-untyped-def]
    from naetra_tui.core.normalize import history_from_arrays

    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.015, bars)))
    stamps = (np.datetime64("2026-12-07") - np.arange(bars)[::-1]).astype("datetime64[s]")
    cols = {"open": close, "high": close * 1.01, "low": close * 0.99, "close": close,
            "volume": rng.integers(1_000_000, 3_000_000, bars).astype(float)}  # fmt: skip
    return history_from_arrays(symbol, "1D", stamps, cols, source="bench")


async def evaluation_figure() -> None:
    from naetra_tui.builtin.storage.memory import MemoryStorage
    from naetra_tui.core.models import Quote
    from naetra_tui.services.alerts import AlertBook
    from naetra_tui.services.state import AppState

    symbols = [f"S{i:03d}" for i in range(200)]
    histories = {s: daily(s, 504, i) for i, s in enumerate(symbols)}
    quotes = {s: Quote(symbol=s, price=float(h.close[-1]), source="bench", as_of=datetime(2026, 12, 7, 15, tzinfo=UTC))
              for s, h in histories.items()}  # fmt: skip

    async def history_of(symbol: str):  # type: ignore[no-untyped-def]
        return histories[symbol]

    storage = MemoryStorage()
    await storage.initialize({})
    book = AlertBook(AppState(storage), history_of)
    for i in range(1000):
        await book.add(symbols[i % 200], RULES[i % len(RULES)])
    timings = []
    for _ in range(7):
        started = time.perf_counter()
        fired = await book.check(quotes.get)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"1,000 alerts over 200 symbols (2 years of daily bars each, {len(RULES)} kinds of rule): "
          f"median {statistics.median(timings):.1f} ms a check, {len(fired)} fired (target <= 20 ms)")  # fmt: skip


def backtest_figure() -> None:
    from naetra_tui.services.alerts.backtest import backtest

    history = daily("BENCH", 2520, 1)  # ten years: the year's indicators are read from before it
    rule = "(rsi < 35 or change% 5d < -5) and price > sma200 and volume > 1.2x avg20"
    timings = []
    for _ in range(7):
        started = time.perf_counter()
        result = backtest(rule, history, "1Y")
        timings.append((time.perf_counter() - started) * 1000)
    print(f"one-year backtest of '{rule}' on ten years of daily bars: median "
          f"{statistics.median(timings):.1f} ms, {len(result.fires)} fires (target <= 50 ms)")  # fmt: skip


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def watcher_figure() -> None:
    if not Path("/proc/self/stat").exists():
        print("watcher idle CPU: not measured (no /proc here)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "c.yaml"
        config.write_text(
            "app:\n  storage: sqlite\n  llm: none\nplugins:\n"
            "  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
            f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{folder / 'db.sqlite'}'}}}}\n"
            "  notifiers:\n    - {name: terminal, plugin: terminal}\n"
        )
        base = [sys.executable, "-m", "naetra_tui", "--config", str(config)]
        for symbol in ("AAPL", "MSFT", "NVDA"):
            subprocess.run([*base, "alerts", "add", symbol, "price > 100000"], cwd=folder, check=True,
                           capture_output=True)  # fmt: skip
        proc = subprocess.Popen(
            [*base, "watch"], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            time.sleep(15)  # started, first check done
            before = cpu_seconds(proc.pid)
            time.sleep(60)
            used = cpu_seconds(proc.pid) - before
        finally:
            proc.terminate()
            proc.wait(15)
    print(f"watcher idle CPU (3 alerts, checks every 60 s): {used:.2f} s in a minute (target < 0.1 s)")


def main() -> None:
    asyncio.run(evaluation_figure())
    backtest_figure()
    watcher_figure()


if __name__ == "__main__":
    main()
