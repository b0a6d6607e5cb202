"""Watchlist refresh against a local fake Yahoo that answers after 200 ms (prints figures).

For 100 and 1,000 symbols: HTTP requests per cycle, wall time per cycle, and the longest stall of
the asyncio event loop during the cycle, measured by a lag probe (a task that sleeps 1 ms and
records how late it wakes up).

Run: python benchmarks/market.py
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

sys.path.append(
    str(Path(__file__).resolve().parents[1])
)  # benchmarks/, tests/; naetra_tui is the installed one

from benchmarks.probe import LagProbe
from naetra_tui.config import load_config_text
from naetra_tui.services.session import session_for


async def cycle(session, symbols: list[str]) -> tuple[int, float, float]:
    collector = session.manager.get_plugin("data_collectors", "yahoo_finance")
    before = collector.requests
    async with LagProbe() as probe:
        start = time.perf_counter()
        rows = await session.market.refresh(symbols)
        wall = time.perf_counter() - start
    assert sum(1 for r in rows.values() if r.quote and r.quote.source == "yahoo_finance") == len(symbols)
    return collector.requests - before, wall, probe.worst


async def main() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.yahoo_server", "--delay", "0.2"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        text = (
            "app:\n  storage: memory\nplugins:\n  data_collectors:\n"
            f"    - {{name: yahoo_finance, plugin: yahoo_finance, config: {{base_url: '{url}', timeout: 30}}}}\n"
            "  storage:\n    - {name: memory, plugin: memory}\n"
        )
        async with session_for(load_config_text(text)) as session:
            await cycle(session, ["WARM"])
            for count in (100, 1000):
                symbols = [f"S{i:04d}" for i in range(count)]
                results = [await cycle(session, symbols) for _ in range(3)]
                if "-v" in sys.argv:
                    print([f"{r[2] * 1000:.1f}" for r in results])
                requests = results[-1][0]
                wall = sorted(r[1] for r in results)[1]
                stall = max(r[2] for r in results)
                print(
                    f"{count:5d} symbols: {requests:3d} HTTP requests/cycle (batch size 100), "
                    f"wall {wall * 1000:7.1f} ms/cycle (median of 3), longest loop stall {stall * 1000:5.1f} ms"
                )
    finally:
        server.kill()


if __name__ == "__main__":
    asyncio.run(main())
