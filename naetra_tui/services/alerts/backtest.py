"""A rule tested on history: on which days of a range it would have fired, evaluated by the
same code that fires it live (``evaluate.py``) on the collectors' daily bars. The bars before the
range are read too, so a 200-day average is known from the range's first day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from ...core.models import PriceHistory
from ...core.timeframes import range_days
from .evaluate import RuleValues, fire_bars, needs_history, reading
from .model import rule_tree

#: Fires listed in full; beyond, the count and the last ones.
MAX_LISTED = 50


@dataclass(frozen=True, slots=True)
class Backtest:
    symbol: str
    rule: str
    range_name: str
    fires: tuple[tuple[date, dict[str, float]], ...]
    first_day: date | None  # the range actually covered by bars
    last_day: date | None
    bars: int
    source: str
    simulated: bool
    #: Days of the range before the rule could first be known (an indicator's lookback).
    warming_up: int = 0

    def summary(self) -> str:
        origin = "SIMULATED data" if self.simulated else self.source
        if self.first_day is None:
            return f"{self.symbol}: no daily bars to test '{self.rule}' on ({origin})"
        span = f"{self.first_day} to {self.last_day}, {self.bars} bars, {origin}"
        if not self.fires:
            said = f"{self.symbol}: '{self.rule}' would not have fired ({span})"
        else:
            times = "once" if len(self.fires) == 1 else f"{len(self.fires)} times"
            days = ", ".join(str(d) for d, _ in self.fires[-8:])
            more = "…, " if len(self.fires) > 8 else ""
            said = f"{self.symbol}: '{self.rule}' would have fired {times} ({span}): {more}{days}"
        if self.warming_up:
            said += f"; its first {self.warming_up} bars had too little history for the rule"
        return said

    def to_json(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol, "rule": self.rule, "range": self.range_name,
            "from": str(self.first_day) if self.first_day else None,
            "to": str(self.last_day) if self.last_day else None, "bars": self.bars,
            "fired": len(self.fires), "source": self.source, "simulated": self.simulated,
            "warming_up_bars": self.warming_up,
            "fires": [{"date": str(d), "values": v} for d, v in self.fires[-MAX_LISTED:]],
        }  # fmt: skip


def _day(stamp: np.datetime64) -> date:
    return date.fromisoformat(str(stamp.astype("datetime64[D]")))


def backtest(rule: str, history: PriceHistory, range_name: str = "1Y") -> Backtest:
    """Raises: RuleError (the rule), ValueError (an unknown range)."""
    tree = rule_tree(rule)
    days = range_days(range_name)
    values = RuleValues(history)
    n = len(history)
    start = 0
    if n and days is not None:
        first = _day(history.timestamps[-1]) - timedelta(days=days - 1)
        start = int(np.searchsorted(history.timestamps.astype("datetime64[D]"), np.datetime64(first, "D")))
    starts = [i for i in fire_bars(tree, values) if i >= start]
    if start < n and start not in starts and reading(tree, values, start).holds:
        starts.insert(0, start)  # it already held when the range began: an alert set then fires at once
    fires = tuple((_day(history.timestamps[i]), reading(tree, values, i).values) for i in starts)
    warming = max(0, min(n - start, needs_history(tree) - 1 - start)) if n else 0
    return Backtest(
        symbol=history.symbol, rule=tree.text, range_name=range_name.upper(), fires=fires,
        first_day=_day(history.timestamps[start]) if start < n else None,
        last_day=_day(history.timestamps[-1]) if n else None, bars=max(0, n - start),
        source=history.source, simulated=history.simulated, warming_up=warming,
    )  # fmt: skip
