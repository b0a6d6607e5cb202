"""Portfolio performance figures (#35): `portfolio performance` for 1,000 lots over ten years of
50 symbols, with the daily histories cached (target <= 2 s), and the work on a new price (the
report again, off the event loop in the app; target <= 50 ms). Prints figures; never fails.

Run: python benchmarks/performance.py   (from outside the source tree: it uses the installed package)
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


async def main() -> None:
    from naetra_tui.config import load_config
    from naetra_tui.core.portfolio import Lot
    from naetra_tui.services.portfolio.performance import PerformanceService
    from naetra_tui.services.session import Phase, session_for

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "c.yaml"
        path.write_text(
            "app:\n  storage: sqlite\n  llm: none\nplugins:\n"
            "  data_collectors:\n    - {name: simulated, plugin: simulated, config: {invent_unknown: true}}\n"
            f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{folder / 'db.sqlite'}'}}}}\n"
        )
        async with session_for(load_config(path), Phase.MARKET) as session:
            symbols = [f"SYM{i:02d}" for i in range(50)]
            start = date.today() - timedelta(days=3650)
            closes = {}
            for symbol in symbols:  # each lot at its day's close, as a real purchase would be
                history = await session.market.history(symbol, "1D")
                closes[symbol] = {str(d)[:10]: float(c) for d, c in zip(history.timestamps.astype("datetime64[D]"),
                                                                       history.close, strict=True)}  # fmt: skip
            lots = []
            for i in range(1000):
                symbol, day = symbols[i % 50], start + timedelta(days=int(i * 3.65))
                known = [d for d in closes[symbol] if d <= day.isoformat()]
                price = closes[symbol][known[-1]] if known else next(iter(closes[symbol].values()))
                lots.append(Lot(symbol, 1 + i % 7, price, day, currency="USD"))
            await session.portfolio.store.add(lots)
            await session.portfolio.load()
            service = PerformanceService(session.portfolio, session.market)
            started = time.perf_counter()
            await service.report("ALL")
            first = time.perf_counter() - started
            timings = []
            for _ in range(3):
                started = time.perf_counter()
                report = await service.report("ALL")
                timings.append(time.perf_counter() - started)
            print(f"performance of 1,000 lots over ten years of 50 symbols ({len(report.days)} days): "
                  f"{first:.2f} s filling the history cache, then {min(timings):.2f} s with it (target <= 2 s); "
                  f"twr {report.twr}, {len(report.incomplete)} incomplete note(s): {report.incomplete[:2]}")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
