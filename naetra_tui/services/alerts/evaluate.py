"""Evaluating alert rules (``core/alert_rules.py``) over a history's bars: the same code decides
whether a rule holds now (the app and the watcher) and on which past bars it would have fired
(the backtest).

Each series a rule reads is computed once per history with TA-Lib; a bar where any value a
condition needs is missing (an indicator's lookback, a NaN bar) is "does not hold", never a
guess. A rule *fires* on a bar where it holds and did not hold on the bar before, so a
condition that stays true for a week is one event, not five.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC
from functools import lru_cache

import numpy as np

from ...core.alert_rules import AllOf, Compare, Cross, Node, Operand, Series, conditions, series_of
from ...core.models import PriceHistory, Quote


def _ta(name: str, values: np.ndarray, period: int | None) -> np.ndarray:
    import talib

    if name == "sma":
        return np.asarray(talib.SMA(values, timeperiod=period or 20))
    if name == "ema":
        return np.asarray(talib.EMA(values, timeperiod=period or 20))
    if name == "rsi":
        return np.asarray(talib.RSI(values, timeperiod=period or 14))
    raise KeyError(name)


def _change(close: np.ndarray, bars: int) -> np.ndarray:
    out = np.full(close.shape, np.nan)
    if len(close) > bars:
        before = close[:-bars]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[bars:] = np.where(before > 0, (close[bars:] / before - 1) * 100, np.nan)
    return out


def series_values(history: PriceHistory, series: Series, other: np.ndarray | None = None) -> np.ndarray:
    """``series`` on every bar of ``history`` (NaN where it cannot be known). ``other`` is the
    values of the opposite side, which ``avgN`` averages."""
    import talib

    c = np.asarray(history.close, dtype=float)
    name = series.name
    if name == "price":
        return c
    if name in ("open", "high", "low", "volume"):
        return np.asarray(getattr(history, name), dtype=float)
    if name == "change%":
        return _change(c, series.period or 1)
    if name in ("sma", "ema", "rsi"):
        return _ta(name, c, series.period)
    if name == "avg":
        return _ta("sma", other if other is not None else c, series.period)
    if name.startswith("macd"):
        macd, signal, hist = talib.MACD(c, fastperiod=12, slowperiod=26, signalperiod=9)
        return np.asarray({"macd": macd, "macd_signal": signal, "macd_hist": hist}[name])
    if name.startswith("bb_"):
        upper, middle, lower = talib.BBANDS(c, timeperiod=20, nbdevup=2.0, nbdevdn=2.0)
        return np.asarray({"bb_upper": upper, "bb_middle": middle, "bb_lower": lower}[name])
    raise KeyError(name)


class RuleValues:
    """The series of one history, each computed once."""

    def __init__(self, history: PriceHistory) -> None:
        self.history = history
        self.cache: dict[tuple[str, int | None, str, int | None], np.ndarray] = {}

    def of(self, series: Series, left: Series | None = None) -> np.ndarray:
        # keyed by names and periods (cheap to hash), not by the dataclasses
        averaged = series.name == "avg" and left is not None
        key = (series.name, series.period, left.name if averaged else "", left.period if averaged else None)  # type: ignore[union-attr]
        found = self.cache.get(key)
        if found is None:
            other = self.of(left) if averaged and left is not None else None
            found = self.cache[key] = series_values(self.history, series, other)
        return found

    def operand(self, operand: Operand, left: Series) -> np.ndarray:
        if operand.series is None:
            return np.full(len(self.history), operand.factor)
        return self.of(operand.series, left) * operand.factor


_OPS = {">": np.greater, "<": np.less, ">=": np.greater_equal, "<=": np.less_equal}


def _truth(node: Node, values: RuleValues) -> np.ndarray:
    if isinstance(node, Compare):
        left, right = values.of(node.left), values.operand(node.right, node.left)
        with np.errstate(invalid="ignore"):
            return np.asarray(_OPS[node.op](left, right) & np.isfinite(left) & np.isfinite(right))
    if isinstance(node, Cross):
        diff = values.of(node.left) - values.operand(node.right, node.left)
        now, before = diff[1:], diff[:-1]
        known = np.isfinite(now) & np.isfinite(before)
        with np.errstate(invalid="ignore"):
            crossed = (before <= 0) & (now > 0) if node.direction == "above" else (before >= 0) & (now < 0)
        return np.concatenate([[False], crossed & known])
    parts = [_truth(part, values) for part in node.parts]
    combine = np.logical_and if isinstance(node, AllOf) else np.logical_or
    return np.asarray(combine.reduce(parts))


def holds(node: Node, values: RuleValues) -> np.ndarray:
    """For each bar, whether the rule holds there."""
    if len(values.history) == 0:
        return np.zeros(0, dtype=bool)
    return _truth(node, values)


def fire_bars(node: Node, values: RuleValues) -> list[int]:
    """The bars on which the rule starts to hold (its events)."""
    truth = holds(node, values)
    if not len(truth):
        return []
    starts = truth & ~np.concatenate([[False], truth[:-1]])
    return [int(i) for i in np.flatnonzero(starts)]


@dataclass(frozen=True, slots=True)
class Reading:
    """Whether a rule holds on the last bar, and the values it read there (for the message)."""

    holds: bool
    values: dict[str, float]

    def describe(self) -> str:
        return ", ".join(f"{name} {value:,.4g}" for name, value in self.values.items())


def _at(values: RuleValues, series: Series, left: Series | None, bar: int) -> float:
    return float(values.of(series, left)[bar])


def _holds_at(node: Node, values: RuleValues, bar: int) -> bool:
    """``holds(node, values)[bar]`` from that bar's values alone (a live check reads one bar,
    not every bar of two years), with ``and``/``or`` short-circuited. NaN never holds."""
    if isinstance(node, Compare):
        left = _at(values, node.left, None, bar)
        right = (
            node.right.factor
            if node.right.series is None
            else _at(values, node.right.series, node.left, bar) * node.right.factor
        )
        return math.isfinite(left) and math.isfinite(right) and bool(_OPS[node.op](left, right))
    if isinstance(node, Cross):
        n = len(values.history)
        now = bar % n if n else 0
        if now == 0:
            return False

        def diff(i: int) -> float:
            right = (
                node.right.factor
                if node.right.series is None
                else _at(values, node.right.series, node.left, i) * node.right.factor
            )
            return _at(values, node.left, None, i) - right

        before, after = diff(now - 1), diff(now)
        if not (math.isfinite(before) and math.isfinite(after)):
            return False
        return before <= 0 < after if node.direction == "above" else before >= 0 > after
    if isinstance(node, AllOf):
        return all(_holds_at(part, values, bar) for part in node.parts)
    return any(_holds_at(part, values, bar) for part in node.parts)


@lru_cache(maxsize=4096)
def _read_series(node: Node) -> tuple[tuple[Series, Series | None], ...]:
    """The (series, the left side it averages) a rule reads, left to right, each once."""
    out: dict[str, tuple[Series, Series | None]] = {}
    for c in conditions(node):
        out.setdefault(c.left.text, (c.left, None))
        if c.right.series is not None:
            out.setdefault(c.right.series.text, (c.right.series, c.left))
    return tuple(out.values())


def reading(node: Node, values: RuleValues, bar: int = -1) -> Reading:
    """Whether ``node`` holds on ``bar`` (the last by default) and the values it read there."""
    if not len(values.history):
        return Reading(False, {})
    seen: dict[str, float] = {}
    for series, left in _read_series(node):
        value = _at(values, series, left, bar)
        if math.isfinite(value):
            seen[series.text] = value
    return Reading(_holds_at(node, values, bar), seen)


@lru_cache(maxsize=4096)
def needs_history(node: Node) -> int:
    """Bars a rule needs before its first answer (an indicator's lookback), roughly."""
    longest = 1
    for s in series_of(node):
        if s.name.startswith("macd"):
            longest = max(longest, 35)
        elif s.name.startswith("bb_"):
            longest = max(longest, 20)
        elif s.period:
            longest = max(longest, s.period + 1)
    return longest


def with_live_price(history: PriceHistory, quote: Quote | None) -> PriceHistory:
    """Daily bars whose last bar carries the live quote: today's bar updated in place, or a bar
    appended when the quote is from a later day than the last bar (the rule then reads now)."""
    if quote is None or not len(history):
        return history
    last = history.last_timestamp
    as_of = quote.as_of
    if last is None or as_of < last:
        return history
    o, h, lo, c, v = (
        np.array(getattr(history, k), dtype=float) for k in ("open", "high", "low", "close", "volume")
    )
    if as_of.date() == last.date():  # copies: the cached history is never changed
        c[-1], h[-1], lo[-1] = quote.price, max(h[-1], quote.price), min(lo[-1], quote.price)
        if quote.volume is not None:
            v[-1] = quote.volume
        return replace(history, open=o, high=h, low=lo, close=c, volume=v)
    stamp = np.datetime64(as_of.astimezone(UTC).replace(tzinfo=None), "s")
    return replace(
        history,
        timestamps=np.append(history.timestamps, stamp),
        open=np.append(o, quote.open or quote.price),
        high=np.append(h, max(quote.day_high or quote.price, quote.price)),
        low=np.append(lo, min(quote.day_low or quote.price, quote.price)),
        close=np.append(c, quote.price),
        volume=np.append(v, quote.volume if quote.volume is not None else np.nan),
    )


def quote_history(quote: Quote) -> PriceHistory:
    """A quote as bars (yesterday's close, then now) for rules that read only the price, the
    volume or the day's change: ``price > 250`` needs no history to be checked."""
    closes = [quote.previous_close, quote.price] if quote.previous_close else [quote.price]
    n = len(closes)
    stamp = np.datetime64(quote.as_of.astimezone(UTC).replace(tzinfo=None), "s")
    stamps = np.array([stamp - np.timedelta64(86400, "s") * (n - 1 - i) for i in range(n)])
    volume = np.full(n, np.nan)
    volume[-1] = quote.volume if quote.volume is not None else np.nan
    close = np.array(closes, dtype=float)
    return PriceHistory(
        symbol=quote.symbol, timeframe="1D", timestamps=stamps, open=close.copy(), high=close.copy(),
        low=close.copy(), close=close, volume=volume, source=quote.source, simulated=quote.simulated,
    )  # fmt: skip
