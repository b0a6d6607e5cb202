"""Each indicator's verdict as a typed ``Signal``, and the count that summarises them."""

from __future__ import annotations

import numpy as np

from naetra_tui.core.models import Signal, SignalEvent


def _dt(stamp: np.datetime64):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(int(stamp.astype("datetime64[s]").astype(np.int64)), UTC)


def _level_signal(name: str, price: float, level: float) -> Signal:
    direction = "bullish" if price > level else "bearish" if price < level else "neutral"
    where = "above" if price > level else "below" if price < level else "at"
    return Signal(
        name=name,
        direction=direction,
        reason=f"price {price:.2f} is {where} {name} {level:.2f}",
        values={"price": price, name: level},
    )


def _rsi_signal(rsi: float, period: int, low: float, high: float) -> Signal:
    if rsi < low:
        return Signal(
            name=f"RSI({period})",
            direction="bullish",
            reason=f"RSI {rsi:.1f} is below {low:g} (oversold)",
            values={"rsi": rsi},
        )
    if rsi > high:
        return Signal(
            name=f"RSI({period})",
            direction="bearish",
            reason=f"RSI {rsi:.1f} is above {high:g} (overbought)",
            values={"rsi": rsi},
        )
    return Signal(
        name=f"RSI({period})",
        direction="neutral",
        reason=f"RSI {rsi:.1f} is between {low:g} and {high:g}",
        values={"rsi": rsi},
    )


def _macd_signal(macd: np.ndarray, signal: np.ndarray) -> Signal:
    m, s = float(macd[-1]), float(signal[-1])
    diff = np.sign(macd - signal)
    recent = np.flatnonzero((diff[-4:][1:] != diff[-4:][:-1]) & np.isfinite(signal[-4:][:-1]))
    cross = ""
    event: SignalEvent | None = None
    if len(recent):
        event = "cross_above" if diff[-1] > 0 else "cross_below"
        cross = f"; crossed {'above' if diff[-1] > 0 else 'below'} its signal line in the last 3 bars"
    direction = "bullish" if m > s else "bearish" if m < s else "neutral"
    return Signal(
        name="MACD",
        direction=direction,
        reason=f"MACD {m:.3f} is {'above' if m > s else 'below' if m < s else 'at'} its signal {s:.3f}{cross}",
        values={"macd": m, "signal": s},
        event=event,
    )


def _bbands_signal(price: float, upper: float, lower: float) -> Signal:
    if price > upper:
        return Signal(
            name="Bollinger",
            direction="bearish",
            reason=f"price {price:.2f} is above the upper band {upper:.2f} (stretched)",
            values={"price": price, "upper": upper},
        )
    if price < lower:
        return Signal(
            name="Bollinger",
            direction="bullish",
            reason=f"price {price:.2f} is below the lower band {lower:.2f} (stretched)",
            values={"price": price, "lower": lower},
        )
    return Signal(
        name="Bollinger",
        direction="neutral",
        reason=f"price {price:.2f} is inside the bands {lower:.2f}–{upper:.2f}",
        values={"price": price, "upper": upper, "lower": lower},
    )


def _adx_signal(adx: float, plus: float, minus: float) -> Signal:
    strong = adx >= 25
    if not strong:
        return Signal(
            name="ADX",
            direction="neutral",
            reason=f"ADX {adx:.1f} < 25: no strong trend",
            values={"adx": adx, "+DI": plus, "-DI": minus},
        )
    direction = "bullish" if plus > minus else "bearish"
    return Signal(
        name="ADX",
        direction=direction,
        reason=f"ADX {adx:.1f} ≥ 25: strong trend, +DI {plus:.1f} vs -DI {minus:.1f}",
        values={"adx": adx, "+DI": plus, "-DI": minus},
    )


def _stoch_signal(k: float) -> Signal:
    if k < 20:
        return Signal(
            name="Stochastic", direction="bullish", reason=f"%K {k:.1f} < 20 (oversold)", values={"k": k}
        )
    if k > 80:
        return Signal(
            name="Stochastic", direction="bearish", reason=f"%K {k:.1f} > 80 (overbought)", values={"k": k}
        )
    return Signal(
        name="Stochastic", direction="neutral", reason=f"%K {k:.1f} between 20 and 80", values={"k": k}
    )


def _summary(signals: list[Signal]) -> str:
    counts = {d: sum(1 for s in signals if s.direction == d) for d in ("bullish", "bearish", "neutral")}
    if not signals:
        return "No signals: not enough data."
    lean = "neutral"
    if counts["bullish"] > counts["bearish"]:
        lean = "bullish"
    elif counts["bearish"] > counts["bullish"]:
        lean = "bearish"
    return (
        f"Leaning {lean}: {counts['bullish']} bullish, {counts['bearish']} bearish and {counts['neutral']} neutral "
        f"signals of {len(signals)} (a simple count, each signal weighted equally)."
    )
