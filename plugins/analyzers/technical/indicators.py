"""The indicator table: one small spec per configurable indicator, run in the config's order.

Each spec computes its TA-Lib series, *claims* the values (a value is only claimed when the
history is longer than TA-Lib's lookback: see ``IndicatorContext.claim``) and adds its typed
signal. Adding an indicator is adding one function and one row of ``INDICATORS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from naetra_tui.core.models import PriceHistory, Signal
from naetra_tui.core.timeframes import INTRADAY_MINUTES

from .config import Periods, TechnicalConfig
from .series import _last, lookback, vwap
from .signals import _adx_signal, _bbands_signal, _level_signal, _macd_signal, _rsi_signal, _stoch_signal

Claim = Callable[..., float | None]


@dataclass
class IndicatorContext:
    """What every spec reads and writes while one history is analysed."""

    history: PriceHistory
    periods: Periods
    settings: TechnicalConfig
    claim: Claim  # claim(key, label, series, lookback, unit="") -> last value or None
    notes: list[str]
    signals: list[Signal]
    price: float

    @property
    def n(self) -> int:
        return len(self.history)


def _talib() -> Any:
    import talib  # imported by the analyzer's initialize(), off the event loop

    return talib


def moving_average(function: str, ctx: IndicatorContext) -> None:
    """SMA or EMA of the close, with a price-above/below signal."""
    period = ctx.periods.ma if function == "SMA" else ctx.periods.ema
    series = getattr(_talib(), function)(ctx.history.close, timeperiod=period)
    value = ctx.claim(function, f"{function}({period})", series, lookback(function, timeperiod=period))
    if value is not None:
        ctx.signals.append(_level_signal(f"{function}({period})", ctx.price, value))


def rsi(ctx: IndicatorContext) -> None:
    c, period = ctx.history.close, ctx.periods.rsi
    series = _talib().RSI(c, timeperiod=period)
    if ctx.n > period and np.all(np.diff(c[-(period + 1) :]) == 0):
        series = np.full(ctx.n, np.nan)  # 0/0: TA-Lib says 0, which would read as "oversold"
        ctx.notes.append(f"RSI({period}) undefined: the price did not move in {period} bars")
    value = ctx.claim("RSI", f"RSI({period})", series, lookback("RSI", timeperiod=period))
    if value is not None:
        ctx.signals.append(_rsi_signal(value, period, ctx.settings.rsi_oversold, ctx.settings.rsi_overbought))


def macd(ctx: IndicatorContext) -> None:
    p = ctx.periods
    params = {"fastperiod": p.macd_fast, "slowperiod": p.macd_slow, "signalperiod": p.macd_signal}
    line, signal, histogram = _talib().MACD(ctx.history.close, **params)
    look = lookback("MACD", **params)
    m = ctx.claim("MACD", "MACD", line, look)
    s = ctx.claim("MACD_SIGNAL", "MACD signal", signal, look)
    ctx.claim("MACD_HIST", "MACD histogram", histogram, look)
    if m is not None and s is not None:
        ctx.signals.append(_macd_signal(line, signal))


def bollinger(ctx: IndicatorContext) -> None:
    p = ctx.periods
    upper, middle, lower = _talib().BBANDS(
        ctx.history.close, timeperiod=p.bbands, nbdevup=p.bbands_dev, nbdevdn=p.bbands_dev
    )
    look = lookback("BBANDS", timeperiod=p.bbands)
    up = ctx.claim("BB_UPPER", "Bollinger upper", upper, look)
    ctx.claim("BB_MIDDLE", "Bollinger middle", middle, look)
    low = ctx.claim("BB_LOWER", "Bollinger lower", lower, look)
    if up is not None and low is not None:
        ctx.signals.append(_bbands_signal(ctx.price, up, low))


def average_true_range(ctx: IndicatorContext) -> None:
    h, period = ctx.history, ctx.periods.atr
    series = _talib().ATR(h.high, h.low, h.close, timeperiod=period)
    ctx.claim("ATR", f"ATR({period})", series, lookback("ATR", timeperiod=period))


def adx(ctx: IndicatorContext) -> None:
    h, period, talib = ctx.history, ctx.periods.adx, _talib()
    value = ctx.claim(
        "ADX",
        f"ADX({period})",
        talib.ADX(h.high, h.low, h.close, timeperiod=period),
        lookback("ADX", timeperiod=period),
    )
    plus = _last(talib.PLUS_DI(h.high, h.low, h.close, timeperiod=period))
    minus = _last(talib.MINUS_DI(h.high, h.low, h.close, timeperiod=period))
    if value is not None and plus is not None and minus is not None:
        ctx.signals.append(_adx_signal(value, plus, minus))


def stochastic(ctx: IndicatorContext) -> None:
    h, p = ctx.history, ctx.periods
    params = {"fastk_period": p.stoch_k, "slowk_period": p.stoch_slow, "slowd_period": p.stoch_slow}
    k, d = _talib().STOCH(h.high, h.low, h.close, **params)
    if ctx.n >= p.stoch_k and np.nanmax(h.high[-p.stoch_k :]) == np.nanmin(h.low[-p.stoch_k :]):
        k = d = np.full(ctx.n, np.nan)  # no range: %K is 0/0
        ctx.notes.append(f"Stochastic undefined: no high-low range in {p.stoch_k} bars")
    look = lookback("STOCH", **params)
    k_value = ctx.claim("STOCH_K", "Stochastic %K", k, look)
    ctx.claim("STOCH_D", "Stochastic %D", d, look)
    if k_value is not None:
        ctx.signals.append(_stoch_signal(k_value))


def on_balance_volume(ctx: IndicatorContext) -> None:
    obv = _talib().OBV(ctx.history.close, ctx.history.volume)
    last = ctx.claim("OBV", "OBV", obv, lookback("OBV"))
    if last is not None and ctx.n > 20 and np.isfinite(obv[-21]):
        change = float(obv[-1] - obv[-21])
        direction = "bullish" if change > 0 else "bearish" if change < 0 else "neutral"
        moved = "rose" if change > 0 else "fell" if change < 0 else "was flat"
        ctx.signals.append(
            Signal(
                name="OBV",
                direction=direction,
                reason=f"on-balance volume {moved} over 20 bars",
                values={"obv_change_20": change},
            )
        )


def session_vwap(ctx: IndicatorContext) -> None:
    if ctx.history.timeframe not in INTRADAY_MINUTES:
        return  # a session average means nothing on daily bars
    value = ctx.claim("VWAP", "VWAP (session)", vwap(ctx.history), 0)
    if value is not None:
        ctx.signals.append(_level_signal("VWAP", ctx.price, value))


#: Config name -> spec, in the order the Indicators pane lists them.
INDICATORS: dict[str, Callable[[IndicatorContext], None]] = {
    "MA": partial(moving_average, "SMA"),
    "EMA": partial(moving_average, "EMA"),
    "RSI": rsi,
    "MACD": macd,
    "BBANDS": bollinger,
    "ATR": average_true_range,
    "ADX": adx,
    "STOCH": stochastic,
    "OBV": on_balance_volume,
    "VWAP": session_vwap,
}
