"""Price chart (textual-plotext): candlesticks / line / OHLC, volume, overlays, RSI or MACD.

Bars are drawn against their index, not their date, so nights, weekends and holidays leave no
gaps; dates are put back as tick labels. NaN bars were dropped upstream, and overlay NaN
regions are skipped, so they never shift the axis. A constant series gets a padded y range.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from textual_plotext import PlotextPlot

from ...core.models import PriceHistory
from ...core.timeframes import INTRADAY_MINUTES
from ...services.indicators import overlay_series

KINDS = ("candles", "line", "ohlc")


@dataclass
class ChartOptions:
    kind: str = "candles"
    overlays: set[str] = field(default_factory=set)  # "sma", "ema", "bb"
    lower: str = "rsi"  # "rsi", "macd" or "" (none)


def tick_labels(history: PriceHistory, count: int = 5) -> tuple[list[int], list[str]]:
    n = len(history)
    if n == 0:
        return [], []
    idx = sorted({int(i) for i in np.linspace(0, n - 1, min(count, n))})
    intraday = history.timeframe in INTRADAY_MINUTES
    fmt = "%m-%d %H:%M" if intraday else "%Y-%m-%d"
    labels = [history.timestamps[i].astype("datetime64[s]").astype(object).strftime(fmt) for i in idx]
    return idx, labels


def _finite(xs: np.ndarray, ys: np.ndarray) -> tuple[list[float], list[float]]:
    keep = np.isfinite(ys)
    return xs[keep].tolist(), ys[keep].tolist()


def downsample(history: PriceHistory, max_bars: int) -> tuple[PriceHistory, np.ndarray]:
    """Merge neighbouring bars so at most ``max_bars`` remain (a terminal column cannot show
    more than one candle anyway). Returns the merged history and, for each merged bar, the index
    of its last original bar (to sample overlays computed on the full data)."""
    n = len(history)
    if n <= max_bars:
        return history, np.arange(n)
    from dataclasses import replace

    size = int(np.ceil(n / max_bars))
    starts = np.arange(0, n, size)
    ends = np.minimum(starts + size, n) - 1
    merged = replace(
        history,
        timestamps=history.timestamps[starts],
        open=history.open[starts],
        high=np.maximum.reduceat(history.high, starts),
        low=np.minimum.reduceat(history.low, starts),
        close=history.close[ends],
        volume=np.add.reduceat(history.volume, starts),
    )
    return merged, ends


def draw_price(
    plt: Any, history: PriceHistory, options: ChartOptions, title: str, max_bars: int = 100
) -> None:
    """Draw the price panel on a plotext module-like object (plotext ships no types)."""
    p = plt  # plotext's API is module functions on this object
    p.clear_data()
    p.title(title)
    full = history
    history, picks = downsample(full, max_bars)
    n = len(history)
    if n == 0:
        return
    xs = np.arange(n, dtype=float)
    if options.kind == "line" or n < 2:
        p.plot(xs.tolist(), history.close.tolist(), marker="braille", label="close")
    else:
        data = {
            "Open": history.open.tolist(),
            "High": history.high.tolist(),
            "Low": history.low.tolist(),
            "Close": history.close.tolist(),
        }
        if options.kind == "ohlc":
            p.plot(xs.tolist(), history.high.tolist(), marker="dot", color="gray")
            p.plot(xs.tolist(), history.low.tolist(), marker="dot", color="gray")
            p.plot(xs.tolist(), history.close.tolist(), marker="braille", label="close")
        else:
            p.candlestick(xs.tolist(), data)
    if options.overlays:
        total = len(full)
        series = overlay_series(
            full,
            sma=min(50, max(2, total // 3)),
            ema=min(20, max(2, total // 4)),
            bbands=min(20, max(2, total // 4)),
        )
        series = {k: v[picks] for k, v in series.items()}
        for key, label in (("sma", "SMA"), ("ema", "EMA")):
            if key in options.overlays:
                name = next(k for k in series if k.startswith(label))
                fx, fy = _finite(xs, series[name])
                if fx:
                    p.plot(fx, fy, marker="braille", label=name)
        if "bb" in options.overlays:
            for name in ("BB upper", "BB lower"):
                fx, fy = _finite(xs, series[name])
                if fx:
                    p.plot(fx, fy, marker="braille", label=name if name == "BB upper" else None)
    low, high = float(np.nanmin(history.low)), float(np.nanmax(history.high))
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = float(np.nanmin(history.close)), float(np.nanmax(history.close))
    if high == low:  # a flat series: pad so plotext never divides by zero
        pad = abs(high) * 0.01 or 1.0
        low, high = low - pad, high + pad
    p.ylim(low, high)
    p.xlim(-1, n)
    # As many date labels as fit without overlapping: plotext drops overlapping ones in an
    # order that changes from run to run. (max_bars is about half the widget's width.)
    plot_columns = 2 * (max_bars + 4) - 8
    ticks, labels = tick_labels(history, count=max(2, min(6, plot_columns // 13)))
    p.xticks(ticks, labels)


def draw_volume(plt: Any, history: PriceHistory, max_bars: int = 100) -> None:
    p = plt
    p.clear_data()
    history, _ = downsample(history, max_bars)
    n = len(history)
    if n == 0:
        return
    p.bar(list(range(n)), history.volume.tolist(), marker="sd", width=0.8)
    p.xlim(-1, n)
    p.xticks([], [])
    top = float(np.nanmax(history.volume))
    if top > 0:
        from ..formatting import fmt_volume

        p.yticks([0, top / 2, top], ["0", fmt_volume(top / 2), fmt_volume(top)])
    p.title("volume")


def draw_lower(plt: Any, history: PriceHistory, lower: str, max_bars: int = 100) -> None:
    p = plt
    p.clear_data()
    if not len(history) or not lower:
        return
    merged, picks = downsample(history, max_bars)
    series = {k: v[picks] for k, v in overlay_series(history).items()}
    n = len(merged)
    xs = np.arange(n, dtype=float)
    if lower == "rsi":
        fx, fy = _finite(xs, series["RSI(14)"])
        if fx:
            p.plot(fx, fy, marker="braille", label="RSI(14)")
            p.hline(70, "red")
            p.hline(30, "green")
        p.ylim(0, 100)
    else:
        for name in ("MACD", "MACD signal"):
            fx, fy = _finite(xs, series[name])
            if fx:
                p.plot(fx, fy, marker="braille", label=name)
    p.xlim(-1, n)
    p.xticks([], [])
    p.title("RSI(14)" if lower == "rsi" else "MACD(12,26,9)")


def _bars_for(widget: PlotextPlot) -> int:
    """About one candle per two columns of the plot area."""
    return max(20, (widget.size.width or 120) // 2 - 4)


class _MergedChart(PlotextPlot):
    """A chart whose bars are merged to its width: redrawn when a resize changes that budget
    (otherwise a chart drawn before layout keeps a guessed width's merge)."""

    _drawn_for: int | None = None
    _redraw: Callable[[int], None] | None = None

    def _draw_with(self, redraw: Callable[[int], None]) -> None:
        self._redraw = redraw
        self._drawn_for = _bars_for(self)
        redraw(self._drawn_for)
        self.refresh()

    def on_resize(self) -> None:
        if self._redraw is not None and _bars_for(self) != self._drawn_for:
            self._draw_with(self._redraw)


class PriceChart(_MergedChart):
    """The price panel; ``show`` redraws from a history."""

    def show(self, history: PriceHistory | None, options: ChartOptions, title: str) -> None:
        if history is None:
            self._redraw = None
            self.plt.clear_data()
            self.plt.title(title)
            self.refresh()
        else:
            self._draw_with(lambda bars: draw_price(self.plt, history, options, title, bars))


class VolumeChart(_MergedChart):
    def show(self, history: PriceHistory | None) -> None:
        if history is not None:
            self._draw_with(lambda bars: draw_volume(self.plt, history, bars))
        self.refresh()


class LowerChart(_MergedChart):
    def show(self, history: PriceHistory | None, lower: str) -> None:
        if history is not None:
            self._draw_with(lambda bars: draw_lower(self.plt, history, lower, bars))
        self.refresh()
