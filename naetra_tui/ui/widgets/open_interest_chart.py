"""Open interest by strike for one expiry: a bar chart drawn with block characters — calls
(green) and puts (red) side by side for each strike the Options screen shows, a scale on the
left, strikes below and the underlying's place marked. Built as one Rich ``Text`` (a few ms for
a screen of strikes), so it never holds up the chain's first paint or an expiry switch."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...core.research import OptionChain

EIGHTHS = " ▁▂▃▄▅▆▇█"
SCALE_WIDTH = 8


def _bar_cell(value: int, top: int, row: int, height: int) -> str:
    """The block for ``row`` (0 = top) of a bar of ``value`` on a chart whose top is ``top``."""
    filled = value / top * height * 8 if top else 0  # in eighths of a row
    below = (height - 1 - row) * 8
    return EIGHTHS[max(0, min(8, round(filled - below)))]


def _compact(value: int) -> str:
    return f"{value / 1000:.0f}k" if value >= 10_000 else f"{value:,d}"


def open_interest_text(chain: OptionChain, strikes: list[float], width: int, height: int = 8) -> Text:
    """The chart for ``strikes`` in ``width`` columns: ``height`` rows of bars, then the strikes,
    then the underlying's place (``▲``) and a key."""
    out = Text(no_wrap=True, overflow="crop")
    if not strikes:
        out.append("no strikes to chart", style="dim")
        return out
    calls = {c.strike: c.open_interest or 0 for c in chain.calls}
    puts = {c.strike: c.open_interest or 0 for c in chain.puts}
    top = max([calls.get(s, 0) for s in strikes] + [puts.get(s, 0) for s in strikes])
    slot = max(3, (width - SCALE_WIDTH) // len(strikes))  # columns per strike: call, put, gap
    for row in range(height):
        label = _compact(top) if row == 0 else ("0" if row == height - 1 else "")
        out.append(f"{label:>{SCALE_WIDTH - 1}}│", style="dim")
        for strike in strikes:
            out.append(_bar_cell(calls.get(strike, 0), top, row, height), style="green")
            out.append(_bar_cell(puts.get(strike, 0), top, row, height), style="red")
            out.append(" " * (slot - 2))
        out.append("\n")
    axis = [" "] * (slot * len(strikes))
    every = max(1, -(-8 // slot))  # a label needs about 8 columns
    for i in range(0, len(strikes), every):
        for j, ch in enumerate(f"{strikes[i]:g}"):
            if i * slot + j < len(axis):
                axis[i * slot + j] = ch
    out.append(" " * SCALE_WIDTH + "".join(axis) + "\n", style="dim")
    spot = chain.underlying_price
    marker = " " * SCALE_WIDTH
    if spot is not None and strikes[0] <= spot <= strikes[-1]:
        at = next(i for i, s in enumerate(strikes) if s >= spot)
        marker += " " * max(0, at * slot - 1) + f"▲ {spot:,.2f}"
    out.append(marker, style="bold yellow")
    out.append("   open interest by strike: ", style="dim")
    out.append("calls", style="green")
    out.append(" · ", style="dim")
    out.append("puts", style="red")
    if top == 0:
        out.append(" (the source gives no open interest)", style="dim")
    return out


class OpenInterestChart(Static):
    """Redrawn on ``show`` and when its width changes."""

    _shown: tuple[OptionChain, list[float]] | None = None

    def show(self, chain: OptionChain, strikes: list[float]) -> None:
        self._shown = (chain, strikes)
        self._draw()

    def _draw(self) -> None:
        if self._shown is not None:
            chain, strikes = self._shown
            height = max(3, (self.size.height or 12) - 2)
            self.update(open_interest_text(chain, strikes, self.size.width or 120, height))

    def on_resize(self) -> None:
        self._draw()
