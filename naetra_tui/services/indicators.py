"""Indicator series aligned to a history's bars, for chart overlays (SMA, EMA, Bollinger, RSI,
MACD). Computed with TA-Lib; the first bars of each series are NaN (TA-Lib's lookback)."""

from __future__ import annotations

import numpy as np

from ..core.models import PriceHistory


def overlay_series(
    history: PriceHistory, sma: int = 50, ema: int = 20, bbands: int = 20, rsi: int = 14
) -> dict[str, np.ndarray]:
    """Series of the same length as ``history``, index i belonging to ``history.timestamps[i]``."""
    import talib

    c = history.close
    upper, middle, lower = talib.BBANDS(c, timeperiod=bbands, nbdevup=2.0, nbdevdn=2.0)
    macd, signal, hist = talib.MACD(c, fastperiod=12, slowperiod=26, signalperiod=9)
    return {
        f"SMA({sma})": talib.SMA(c, timeperiod=sma),
        f"EMA({ema})": talib.EMA(c, timeperiod=ema),
        "BB upper": upper,
        "BB middle": middle,
        "BB lower": lower,
        f"RSI({rsi})": talib.RSI(c, timeperiod=rsi),
        "MACD": macd,
        "MACD signal": signal,
        "MACD hist": hist,
    }
