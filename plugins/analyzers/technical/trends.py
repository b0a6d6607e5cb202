"""Trend measures and candlestick patterns of a history (TA-Lib)."""

from __future__ import annotations

from typing import Any

import numpy as np

from naetra_tui.core.models import PriceHistory, Signal, SignalEvent

from .series import PATTERN_MARGIN
from .signals import _dt


def trends(history: PriceHistory, regression_window: int) -> dict[str, Any]:
    """SMA 50/200 and its crosses, regression slope, support/resistance, 52-week position."""
    import talib

    c, n = history.close, len(history)
    out: list[dict[str, Any]] = []
    notes: list[str] = []
    signals: list[Signal] = []
    price = float(c[-1])
    daily = history.timeframe == "1D"
    if n >= 200:
        sma50, sma200 = talib.SMA(c, 50), talib.SMA(c, 200)
        out += [
            {"name": "SMA(50)", "value": float(sma50[-1])},
            {"name": "SMA(200)", "value": float(sma200[-1])},
        ]
        diff = np.sign(sma50 - sma200)
        crosses = np.flatnonzero((diff[1:] != diff[:-1]) & np.isfinite(sma200[:-1]))
        cross_text = "none in the last 60 bars"
        cross_event: SignalEvent | None = None
        if len(crosses) and crosses[-1] >= n - 61:
            cross_event = "cross_above" if diff[crosses[-1] + 1] > 0 else "cross_below"
            kind = "golden cross" if diff[crosses[-1] + 1] > 0 else "death cross"
            cross_text = f"{kind} on {_dt(history.timestamps[crosses[-1] + 1]).date()}"
        out.append({"name": "SMA 50/200 cross", "value": cross_text})
        above = price > sma50[-1] and price > sma200[-1]
        below = price < sma50[-1] and price < sma200[-1]
        signals.append(
            Signal(
                name="SMA 50/200",
                direction="bullish" if above else "bearish" if below else "neutral",
                reason=f"price {price:.2f} is {'above both' if above else 'below both' if below else 'between'} "
                f"SMA(50) {sma50[-1]:.2f} and SMA(200) {sma200[-1]:.2f}; {cross_text}",
                values={"price": price, "sma50": float(sma50[-1]), "sma200": float(sma200[-1])},
                event=cross_event,
            )
        )
    else:
        note = f"SMA 50/200 trend needs 200 bars, {n} available"
        notes.append(note)
        out.append({"name": "SMA 50/200 cross", "value": None, "note": note})
    window = regression_window
    if n >= window:
        y = c[-window:]
        x = np.arange(window) - (window - 1) / 2.0  # least-squares slope, closed form
        slope = float(x @ (y - y.mean()) / (x @ x))
        pct = slope / float(np.mean(y)) * 100 if np.mean(y) else 0.0
        out.append({"name": f"Regression slope ({window} bars)", "value": round(pct, 4), "unit": "%/bar"})
    support, resistance = _support_resistance(history)
    out.append(
        {
            "name": "Support",
            "value": support,
            "note": "" if support is not None else "no swing low below price",
        }
    )
    out.append(
        {
            "name": "Resistance",
            "value": resistance,
            "note": "" if resistance is not None else "no swing high above price",
        }
    )
    if daily and n >= 2:
        year = slice(max(0, n - 252), n)
        high, low = float(np.nanmax(history.high[year])), float(np.nanmin(history.low[year]))
        position = (price - low) / (high - low) * 100 if high > low else None
        out.append(
            {
                "name": "52-week range position",
                "value": None if position is None else round(position, 1),
                "unit": "%",
                "note": "" if position is not None else "flat range (high equals low)",
            }
        )
    return {
        "values": [{k: v for k, v in t.items() if k in ("name", "value", "unit", "note")} for t in out],
        "notes": notes,
        "signals": signals,
    }


def patterns(
    history: PriceHistory, names: list[str], window: int, longest_lookback: int
) -> list[dict[str, Any]]:
    """Candlestick patterns TA-Lib finds in the last ``window`` bars."""
    import talib

    found = []
    # Only the last `window` bars are reported, and a pattern at bar i reads bars
    # i - lookback .. i only (its trailing candle averages included): scanning that tail gives
    # the same hits as scanning the whole history, at a fraction of the cost on long ones.
    start = max(0, len(history) - window - longest_lookback - PATTERN_MARGIN)
    o, h, lo, c = history.open[start:], history.high[start:], history.low[start:], history.close[start:]
    if np.isnan(o).any():  # TA-Lib needs all four prices; fill gaps with the close
        o = np.where(np.isnan(o), c, o)
        h = np.where(np.isnan(h), np.maximum(o, c), h)
        lo = np.where(np.isnan(lo), np.minimum(o, c), lo)
    for name in names:
        result = getattr(talib, name.upper())(o, h, lo, c)
        hits = np.flatnonzero(result[-window:])
        for index in hits:
            at = len(result) - window + int(index) if len(result) >= window else int(index)
            i = start + at
            found.append(
                {
                    "date": str(
                        _dt(history.timestamps[i]).date()
                        if history.timeframe in ("1D", "1W", "1M")
                        else _dt(history.timestamps[i])
                    ),
                    "name": name.upper().removeprefix("CDL").replace("3", "three ").title(),
                    "direction": "bullish" if result[at] > 0 else "bearish",
                    "bar": i,
                }
            )
    return sorted(found, key=lambda x: x["bar"])


def _support_resistance(
    history: PriceHistory, window: int = 120, radius: int = 3
) -> tuple[float | None, float | None]:
    """Nearest swing low below and swing high above the last close, in the last ``window`` bars."""
    h, lo = history.high[-window:], history.low[-window:]
    price = float(history.close[-1])
    size = 2 * radius + 1
    if len(h) < size:
        return None, None
    from numpy.lib.stride_tricks import sliding_window_view

    centre = slice(radius, len(h) - radius)
    lows = lo[centre][lo[centre] == np.nanmin(sliding_window_view(lo, size), axis=1)].tolist()
    highs = h[centre][h[centre] == np.nanmax(sliding_window_view(h, size), axis=1)].tolist()
    below = [x for x in lows if x < price]
    above = [x for x in highs if x > price]
    return (max(below) if below else None, min(above) if above else None)
