"""Peak memory of the headless commands on large inputs (#31: nothing unbounded):
``quote`` of 3,000 symbols and ``portfolio --json`` of 100,000 lots, on the simulated feed,
against ``quote AAPL`` as the baseline. Prints figures; never fails.

Run: python benchmarks/cli_memory.py   (uses the installed naetra-tui)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def peak(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(peak RSS in MiB, seconds, exit code) of one run, from GNU time."""
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return (int(found.group(1)) / 1024 if found else float("nan")), seconds, done.returncode


def main() -> None:
    naetra = shutil.which("naetra-tui") or "naetra-tui"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(os.environ)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[var] = str(folder / var.lower())
        config = folder / "config.yaml"
        config.write_text(
            "app:\n  storage: sqlite\n  llm: none\nplugins:\n  data_collectors:\n"
            "    - {name: simulated, plugin: simulated, config: {invent_unknown: true}}\n"
            f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{folder / 's.db'}'}}}}\n"
        )
        base = [naetra, "--config", str(config)]
        rss, seconds, _ = peak([*base, "quote", "AAPL"], env)
        print(f"quote AAPL: peak {rss:.0f} MiB, {seconds:.1f} s (the baseline)")
        symbols = [f"S{i:04d}" for i in range(3000)]
        rss, seconds, _ = peak([*base, "quote", "--json", *symbols], env)
        print(f"quote --json of 3,000 symbols: peak {rss:.0f} MiB, {seconds:.1f} s (was 1,089 MiB)")
        lots = folder / "lots.csv"
        rows = ["symbol,quantity,price,date,fees"]
        rows += [
            f"S{i % 500:04d},{i % 50 + 1},{10 + i % 90}.5,2026-0{1 + i % 9}-15,1" for i in range(100_000)
        ]
        lots.write_text("\n".join(rows) + "\n")
        rss, seconds, code = peak([*base, "portfolio", "import", str(lots)], env)
        print(f"portfolio import of 100,000 lots: peak {rss:.0f} MiB, {seconds:.1f} s (exit {code})")
        rss, seconds, _ = peak([*base, "portfolio", "--json"], env)
        print(
            f"portfolio --json of 100,000 lots: peak {rss:.0f} MiB, {seconds:.1f} s (was 592 MiB here, 1.2 GB reported)"
        )


if __name__ == "__main__":
    main()
