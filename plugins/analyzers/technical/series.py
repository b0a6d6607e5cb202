"""TA-Lib lookbacks and the series TA-Lib lacks (VWAP)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from naetra_tui.core.models import PriceHistory


@lru_cache(maxsize=256)
def _lookback(name: str, params: tuple[tuple[str, Any], ...]) -> int:
    from talib import abstract

    function = abstract.Function(name)  # type: ignore[attr-defined]  # made at import by TA-Lib
    if params:
        function.set_parameters(**dict(params))
    return int(function.lookback)


#: Extra bars before a pattern scan's tail, beyond the patterns' own lookback (safety margin).
PATTERN_MARGIN = 16


def lookback(name: str, **params: Any) -> int:
    """TA-Lib's own lookback (leading bars without output) of a function with parameters."""
    return _lookback(name, tuple(sorted(params.items())))


def _last(series: np.ndarray) -> float | None:
    value = float(series[-1]) if len(series) else math.nan
    return value if math.isfinite(value) else None


def vwap(history: PriceHistory) -> np.ndarray:
    """Session VWAP of intraday bars: cumulative (typical price x volume) / volume per day."""
    typical = (history.high + history.low + history.close) / 3.0
    days = history.timestamps.astype("datetime64[D]")
    out = np.full(len(history), np.nan)
    starts = np.flatnonzero(np.concatenate(([True], days[1:] != days[:-1])))
    ends = np.append(starts[1:], len(days))
    for start, end in zip(starts, ends, strict=True):
        pv = np.cumsum(typical[start:end] * history.volume[start:end])
        vol = np.cumsum(history.volume[start:end])
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:end] = np.where(vol > 0, pv / vol, np.nan)
    return out
