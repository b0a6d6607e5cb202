"""Full technical analysis vs bare TA-Lib calls, and the event loop while 100 symbols are analysed.

Run: python benchmarks/analysis.py   (prints figures; never fails)
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import numpy as np

sys.path.append(
    str(Path(__file__).resolve().parents[1])
)  # benchmarks/, tests/; naetra_tui is the installed one

from benchmarks.probe import LagProbe
from naetra_tui.builtin.analyzers.technical import PATTERN_MARGIN, TechnicalAnalyzer
from naetra_tui.core.normalize import history_from_arrays


def make(n: int, timeframe: str):
    rng = np.random.default_rng(3)
    close = 100 * np.exp(np.cumsum(rng.standard_normal(n) * 0.01))
    step = 86400 if timeframe == "1D" else 60
    stamps = (np.datetime64("2010-01-01T00:00:00") + np.arange(n) * np.timedelta64(step, "s")).astype(
        "datetime64[s]"
    )
    opens = np.concatenate(([close[0]], close[:-1]))
    cols = {
        "open": opens,
        "high": np.maximum(opens, close) * 1.002,
        "low": np.minimum(opens, close) * 0.998,
        "close": close,
        "volume": rng.uniform(1e5, 1e6, n),
    }
    return history_from_arrays("BENCH", timeframe, stamps, cols, source="bench")


def bare_talib(h, patterns, pattern_tail: int | None = None) -> None:
    """The same TA-Lib calls as the analyzer; patterns on the whole history, or on its last
    ``pattern_tail`` bars (what the analyzer scans: its reporting window plus the lookback)."""
    import talib

    o, hi, lo, c, v = h.open, h.high, h.low, h.close, h.volume
    talib.SMA(c, 20), talib.EMA(c, 20), talib.RSI(c, 14), talib.MACD(c, 12, 26, 9), talib.BBANDS(c, 20, 2, 2)
    (
        talib.ATR(hi, lo, c, 14),
        talib.ADX(hi, lo, c, 14),
        talib.PLUS_DI(hi, lo, c, 14),
        talib.MINUS_DI(hi, lo, c, 14),
    )
    talib.STOCH(hi, lo, c, 14, 3, 0, 3, 0), talib.OBV(c, v), talib.SMA(c, 50), talib.SMA(c, 200)
    if pattern_tail is not None:
        o, hi, lo, c = o[-pattern_tail:], hi[-pattern_tail:], lo[-pattern_tail:], c[-pattern_tail:]
    for name in patterns:
        getattr(talib, name)(o, hi, lo, c)


def timed(fn, repeat: int) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return float(np.median(samples)) * 1000


async def loop_stall(analyzer: TechnicalAnalyzer, histories) -> float:
    async with LagProbe() as probe:
        await asyncio.gather(*(analyzer.analyze({"history": h}) for h in histories))
    return probe.worst_ms


async def main() -> None:
    analyzer = TechnicalAnalyzer()
    await analyzer.initialize({})
    patterns = [p.upper() for p in analyzer.settings.patterns]
    tail = analyzer.settings.pattern_window + analyzer._pattern_lookback + PATTERN_MARGIN
    repeat = {2520: 200, 100_000: 9}
    for n, timeframe, target in ((2520, "1D", 5), (100_000, "1m", 150)):
        h = make(n, timeframe)
        # interleaved rounds, medians: the two sides see the same machine noise
        full, bare, bare_tail = [], [], []
        for _ in range(5):
            full.append(timed(lambda h=h: analyzer.compute(h), repeat[n]))
            bare.append(timed(lambda h=h: bare_talib(h, patterns), repeat[n]))
            bare_tail.append(timed(lambda h=h: bare_talib(h, patterns, tail), repeat[n]))
        full_ms, bare_ms, tail_ms = (float(np.median(x)) for x in (full, bare, bare_tail))
        print(
            f"{n:7d} {timeframe} bars: analyzer {full_ms:7.2f} ms (target <= {target} ms), bare TA-Lib "
            f"{bare_ms:7.2f} ms, overhead x{full_ms / bare_ms:.2f} (target <= 1.5); against bare TA-Lib "
            f"scanning patterns on the same {tail}-bar tail ({tail_ms:.2f} ms): x{full_ms / tail_ms:.2f}"
        )
    histories = [make(2520, "1D") for _ in range(100)]
    print(
        f"100-symbol watchlist analysed concurrently: longest event-loop stall {await loop_stall(analyzer, histories):.1f} ms (target <= 20)"
    )


if __name__ == "__main__":
    asyncio.run(main())
