"""Start-up cost: `naetra-tui --version` against `python -c pass`, and the CLI's import time.

Run: python benchmarks/startup.py   (prints figures; never fails)
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15


def wall(cmd: list[str]) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    exe = shutil.which("naetra-tui") or str(Path(sys.executable).with_name("naetra-tui"))
    baseline = wall([sys.executable, "-c", "pass"])
    version = wall([exe, "--version"])
    print(f"python -c pass          : {baseline:7.1f} ms (median of {RUNS})")
    print(f"naetra-tui --version    : {version:7.1f} ms")
    print(f"overhead                : {version - baseline:7.1f} ms (target <= 60 ms)")
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import naetra_tui.cli"], capture_output=True, text=True
    ).stderr
    lines = [line for line in out.splitlines() if line.startswith("import time:")]
    total = sum(
        int(line.split("|")[1]) for line in lines if line.split("|")[2].strip().startswith("naetra_tui")
    )
    print(f"import naetra_tui.cli   : {total / 1000:7.1f} ms (self+children of naetra_tui modules)")
    heavy = ["yfinance", "pandas", "ollama", "talib", "asyncpg", "redis"]
    loaded = [m for m in heavy if any(line.split("|")[2].strip() == m for line in lines)]
    print(f"heavy modules imported  : {', '.join(loaded) or 'none'}")


if __name__ == "__main__":
    main()
