"""A line chart drawn with braille dots (2 x 4 per cell) as one Rich ``Text``: a scale on the
left, dates below, a legend. A few milliseconds for a screen of chart, where plotext's canvas
took a frame of work on the event loop every time new figures arrived (the Performance screen)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

#: Braille dot bits by (row 0-3, column 0-1) within a cell.
_DOT = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
SCALE_WIDTH = 10


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float | None]
    style: str = ""


def _scale(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}"


def line_chart_text(
    lines: Sequence[Line], width: int, height: int, x_labels: Sequence[tuple[int, str]] = (), title: str = ""
) -> Text:
    """``lines`` of equal length over ``width`` x ``height`` cells (labels included); ``x_labels``
    are (index, text) placed under their point; gaps (None) are not bridged."""
    out = Text(no_wrap=True, overflow="crop")
    if title:
        out.append(title + "\n", style="bold")
    finite = [v for line in lines for v in line.values if v is not None and math.isfinite(v)]
    plot_w, plot_h = max(4, width - SCALE_WIDTH - 1), max(2, height - (3 if title else 2))
    if not finite:
        out.append("no values to draw", style="dim")
        return out
    low, high = min(finite), max(finite)
    if high - low < 1e-12:
        low, high = low - 1, high + 1
    dots_w, dots_h = plot_w * 2, plot_h * 4
    cells: dict[tuple[int, int], tuple[int, str]] = {}
    count = max(len(line.values) for line in lines)

    def dot(x: int, y: int, style: str) -> None:
        row, col = y // 4, x // 2
        bits, _ = cells.get((row, col), (0, ""))
        cells[(row, col)] = (bits | _DOT[y % 4][x % 2], style)

    # more points than dot columns draw nothing more: keep two a column (the last always)
    step = max(1, count // (dots_w * 2))
    indexes = sorted({*range(0, count, step), count - 1})
    for line in lines:
        previous: tuple[int, int] | None = None
        for i in indexes:
            value = line.values[i] if i < len(line.values) else None
            if value is None or not math.isfinite(value):
                previous = None
                continue
            x = round(i / max(1, count - 1) * (dots_w - 1))
            y = dots_h - 1 - round((value - low) / (high - low) * (dots_h - 1))
            if previous is None:
                dot(x, y, line.style)
            else:
                steps = max(abs(x - previous[0]), abs(y - previous[1]), 1)
                for s in range(1, steps + 1):
                    dot(previous[0] + round((x - previous[0]) * s / steps),
                        previous[1] + round((y - previous[1]) * s / steps), line.style)  # fmt: skip
            previous = (x, y)
    for row in range(plot_h):
        label = _scale(high) if row == 0 else _scale(low) if row == plot_h - 1 else ""
        out.append(f"{label:>{SCALE_WIDTH}}┤" if label else " " * SCALE_WIDTH + "│", style="dim")
        for col in range(plot_w):
            bits, style = cells.get((row, col), (0, ""))
            out.append(chr(0x2800 + bits) if bits else " ", style=style)
        out.append("\n")
    axis = [" "] * plot_w
    for index, text in x_labels:
        at = round(index / max(1, count - 1) * (plot_w - 1))
        start = max(0, min(plot_w - len(text), at - len(text) // 2))
        if all(c == " " for c in axis[max(0, start - 1) : start + len(text) + 1]):
            axis[start : start + len(text)] = list(text)
    out.append(" " * (SCALE_WIDTH + 1) + "".join(axis) + "\n", style="dim")
    for n, line in enumerate(lines):
        out.append(("   " if n else " " * (SCALE_WIDTH + 1)) + "━ ", style=line.style)
        out.append(line.label, style="dim")
    return out


class LineChart(Static):
    """Redrawn by ``show`` and when its size changes."""

    _shown: tuple[Sequence[Line], Sequence[tuple[int, str]], str] | None = None

    def show(self, lines: Sequence[Line], x_labels: Sequence[tuple[int, str]] = (), title: str = "") -> None:
        self._shown = (lines, x_labels, title)
        self._draw()

    def _draw(self) -> None:
        if self._shown is not None:
            lines, labels, title = self._shown
            self.update(line_chart_text(lines, self.size.width or 120, self.size.height or 20, labels, title))

    def on_resize(self) -> None:
        self._draw()
