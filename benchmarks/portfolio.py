"""Portfolio figures: a 500-position portfolio's update on a refresh (valuation, the watchlist's
position cells and the summary line; target <= 16 ms), and ``naetra-tui portfolio --json`` for
500 positions (target <= 1 s, the whole command as a cron job runs it). Prints figures; never fails.

Run: python benchmarks/portfolio.py   (from outside the source tree: it uses the installed package)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POSITIONS = 500
SUFFIXES = ["", "", "", ".DE", ".L", ".T", ".TO", ".HK"]  # several currencies, as a real book has


def symbols() -> list[str]:
    return [f"S{i:03d}{SUFFIXES[i % len(SUFFIXES)]}" for i in range(POSITIONS)]


def write_config(folder: Path) -> Path:
    path = folder / "config.yaml"
    watch = ", ".join(symbols())
    path.write_text(
        f"app:\n  watchlist: [{watch}]\n  refresh_interval: 3600\n  storage: sqlite\n  llm: none\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated, config: {invent_unknown: true}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{folder / 'state.db'}'}}}}\n"
    )
    return path


def write_csv(folder: Path) -> Path:
    path = folder / "lots.csv"
    lines = ["symbol,quantity,price,date,fees"]
    for i, symbol in enumerate(symbols()):
        lines.append(f"{symbol},{(i % 50) + 1},{10 + i % 90}.5,2026-0{1 + i % 9}-15,1")
        if i % 3 == 0:  # some symbols have a second lot
            lines.append(f"{symbol},{-(i % 7) - 1 if i % 30 == 0 else 5},{12 + i % 80},2026-10-01,0")
    path.write_text("\n".join(lines) + "\n")
    return path


async def screen_update(config: Path) -> None:
    from naetra_tui.config import load_config
    from naetra_tui.services.market import QuoteRow
    from naetra_tui.ui.app import NaetraApp

    app = NaetraApp(load_config(config))
    async with app.run_test(size=(200, 50)) as pilot:
        while not (
            app.ready and app.positions.service() is not None and len(app.watchlist.rows) >= POSITIONS
        ):
            await pilot.pause(0.05)
        await app.positions.refresh()
        assert app.positions.service() is not None and len(app.session.portfolio.symbols()) == POSITIONS
        value_times, update_times = [], []
        for round_ in range(30):
            # every price moves, as after a refresh
            for symbol in app.session.portfolio.symbols():
                row = app.session.market.rows[symbol]
                moved = row.quote.model_copy(
                    update={"price": row.quote.price * (1 + 0.001 * ((round_ % 5) - 2))}
                )
                app.session.market.rows[symbol] = QuoteRow(symbol, moved)
            started = time.perf_counter()
            app.session.portfolio.value()
            value_times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            app.positions.show()  # valuation + position cells + summary, as each refresh does
            update_times.append((time.perf_counter() - started) * 1000)
            await pilot.pause()
        print(f"{POSITIONS} positions ({sum(len(v) for v in [app.session.portfolio.lots])} lots, "
              f"{len(app.session.portfolio.currencies())} foreign currencies):")  # fmt: skip
        print(
            f"  valuation alone:  median {statistics.median(value_times):.2f} ms, max {max(value_times):.2f} ms"
        )
        print(
            f"  update on refresh (valuation + cells + summary): median {statistics.median(update_times):.2f} ms, "
            f"p95 {sorted(update_times)[int(len(update_times) * 0.95) - 1]:.2f} ms, max {max(update_times):.2f} ms"
            "  (target <= 16 ms)"
        )


def command(config: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    exe = Path(sys.executable).with_name("naetra-tui")
    started = time.perf_counter()
    done = subprocess.run(
        [str(exe), "--config", str(config), *args], capture_output=True, text=True, check=False
    )
    return time.perf_counter() - started, done


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            os.environ[var] = str(folder / var.lower())
        config = write_config(folder)
        seconds, done = command(config, "portfolio", "import", str(write_csv(folder)))
        print(
            f"portfolio import ({POSITIONS} symbols): {seconds:.2f} s — {done.stdout.strip() or done.stderr.strip()}"
        )
        times = []
        for _ in range(5):
            seconds, done = command(config, "portfolio", "--json")
            times.append(seconds)
        print(
            f"portfolio --json, {POSITIONS} positions, {len(done.stdout) / 1024:.0f} KiB: median "
            f"{statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s  (target <= 1 s)"
        )
        seconds, _ = command(config, "--version")
        print(f"  (for scale: naetra-tui --version takes {seconds:.2f} s)")
        asyncio.run(screen_update(config))


if __name__ == "__main__":
    main()
