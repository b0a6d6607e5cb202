"""Technical analysis on TA-Lib: indicators, candlestick patterns, trends and signals.

Every number comes from TA-Lib (VWAP, which TA-Lib lacks, from numpy). A value is only claimed
when the history is longer than the indicator's TA-Lib lookback; otherwise the result says
plainly what is missing ("RSI(14) needs 15 bars, 9 available") instead of inventing a number.
"""

from __future__ import annotations

import asyncio
import importlib
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from naetra_tui.core.errors import DataUnavailable
from naetra_tui.core.interfaces import IAnalyzer
from naetra_tui.core.models import Analysis, AnalysisSection, AnalysisValue, PriceHistory, Signal
from naetra_tui.core.normalize import to_history
from naetra_tui.core.timeframes import INTRADAY_MINUTES

ALL_INDICATORS = ("MA", "EMA", "RSI", "MACD", "BBANDS", "ATR", "ADX", "STOCH", "OBV", "VWAP")
DEFAULT_PATTERNS = (
    "CDLENGULFING",
    "CDLHAMMER",
    "CDLINVERTEDHAMMER",
    "CDLHANGINGMAN",
    "CDLSHOOTINGSTAR",
    "CDLDOJI",
    "CDLMORNINGSTAR",
    "CDLEVENINGSTAR",
    "CDLHARAMI",
    "CDLPIERCING",
    "CDLDARKCLOUDCOVER",
    "CDL3WHITESOLDIERS",
    "CDL3BLACKCROWS",
    "CDLMARUBOZU",
)


class Periods(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ma: int = Field(20, ge=2)
    ema: int = Field(20, ge=2)
    rsi: int = Field(14, ge=2)
    macd_fast: int = Field(12, ge=2)
    macd_slow: int = Field(26, ge=3)
    macd_signal: int = Field(9, ge=1)
    bbands: int = Field(20, ge=2)
    bbands_dev: float = Field(2.0, gt=0)
    atr: int = Field(14, ge=1)
    adx: int = Field(14, ge=2)
    stoch_k: int = Field(14, ge=1)
    stoch_slow: int = Field(3, ge=1)
    regression: int = Field(20, ge=3)


class TechnicalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicators: list[str] = Field(default_factory=lambda: list(ALL_INDICATORS))
    """Any of MA (simple), EMA, RSI, MACD, BBANDS, ATR, ADX, STOCH, OBV, VWAP."""
    periods: Periods = Field(default_factory=Periods)
    patterns: list[str] = Field(default_factory=lambda: list(DEFAULT_PATTERNS))
    """TA-Lib candlestick functions to scan (e.g. CDLENGULFING); ["ALL"] for all 61."""
    pattern_window: int = Field(10, ge=1)
    """Report patterns found in the last N bars."""
    rsi_oversold: float = 30
    rsi_overbought: float = 70


@lru_cache(maxsize=256)
def _lookback(name: str, params: tuple[tuple[str, Any], ...]) -> int:
    from talib import abstract

    function = abstract.Function(name)
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


class TechnicalAnalyzer(IAnalyzer):
    """Indicators, candlestick patterns, trends and signals from TA-Lib."""

    description: ClassVar[str] = "Technical analysis with TA-Lib (indicators, patterns, trends, signals)"
    config_model: ClassVar[type[BaseModel]] = TechnicalConfig

    def __init__(self) -> None:
        self.settings = TechnicalConfig()
        self._pattern_lookback = 0  # the longest lookback of the configured patterns

    async def initialize(self, config: dict[str, Any]) -> None:
        # TA-Lib's import is slow (it pulls in pandas): do it off the event loop
        talib = await asyncio.to_thread(importlib.import_module, "talib")
        self.settings = TechnicalConfig.model_validate(config)
        unknown = [i for i in self.settings.indicators if i.upper() not in ALL_INDICATORS]
        if unknown:
            from naetra_tui.core.errors import ConfigurationError

            raise ConfigurationError(
                f"unknown indicator(s) {', '.join(unknown)}; use {', '.join(ALL_INDICATORS)}"
            )
        available = set(talib.get_function_groups()["Pattern Recognition"])
        if [p.upper() for p in self.settings.patterns] == ["ALL"]:
            self.settings.patterns = sorted(available)
        bad = [p for p in self.settings.patterns if p.upper() not in available]
        if bad:
            from naetra_tui.core.errors import ConfigurationError

            raise ConfigurationError(f"unknown TA-Lib pattern(s) {', '.join(bad)}")
        self._pattern_lookback = max((lookback(p.upper()) for p in self.settings.patterns), default=0)

    async def analyze(self, data: Any) -> Analysis:
        """Raises: DataUnavailable when ``data`` holds no usable bars."""
        history = self._history(data)
        return await asyncio.to_thread(self.compute, history)  # off the event loop

    @staticmethod
    def _history(data: Any) -> PriceHistory:
        if isinstance(data, PriceHistory):
            return data
        if isinstance(data, Mapping) and isinstance(data.get("history"), PriceHistory):
            return data["history"]
        if isinstance(data, Mapping):
            source = data.get("history", data)
            return to_history(
                source,
                symbol=str(data.get("symbol", "?")),
                timeframe=str(data.get("timeframe", "1D")),
                source="input",
            )
        raise DataUnavailable("the technical analyzer needs price bars (a history or OHLCV columns)")

    # --- computation (runs in a thread) ----------------------------------------------------

    def compute(self, history: PriceHistory) -> Analysis:
        import talib

        s, p = self.settings, self.settings.periods
        wanted = {i.upper() for i in s.indicators}
        h, lo, c, v = history.high, history.low, history.close, history.volume
        n = len(history)
        values: list[AnalysisValue] = []
        indicators: dict[str, dict[str, Any]] = {}
        notes: list[str] = []
        signals: list[Signal] = []

        def claim(key: str, label: str, series: np.ndarray, look: int, unit: str = "") -> float | None:
            needs = look + 1
            if n < needs:
                note = f"{label} needs {needs} bars, {n} available"
                notes.append(note)
                values.append(AnalysisValue(name=label, value=None, unit=unit, note=note))
                indicators[key] = {"value": None, "lookback": look, "needs": needs}
                return None
            value = _last(series)
            note = "" if value is not None else "not computable on this data (missing bars)"
            values.append(AnalysisValue(name=label, value=value, unit=unit, note=note))
            indicators[key] = {"value": value, "lookback": look, "needs": needs}
            return value

        price = float(c[-1])
        if "MA" in wanted:
            sma = claim(
                "SMA", f"SMA({p.ma})", talib.SMA(c, timeperiod=p.ma), lookback("SMA", timeperiod=p.ma)
            )
            if sma is not None:
                signals.append(_level_signal(f"SMA({p.ma})", price, sma))
        if "EMA" in wanted:
            ema = claim(
                "EMA", f"EMA({p.ema})", talib.EMA(c, timeperiod=p.ema), lookback("EMA", timeperiod=p.ema)
            )
            if ema is not None:
                signals.append(_level_signal(f"EMA({p.ema})", price, ema))
        if "RSI" in wanted:
            rsi_series = talib.RSI(c, timeperiod=p.rsi)
            if n > p.rsi and np.all(np.diff(c[-(p.rsi + 1) :]) == 0):
                rsi_series = np.full(n, np.nan)  # 0/0: TA-Lib says 0, which would read as "oversold"
                notes.append(f"RSI({p.rsi}) undefined: the price did not move in {p.rsi} bars")
            rsi = claim("RSI", f"RSI({p.rsi})", rsi_series, lookback("RSI", timeperiod=p.rsi))
            if rsi is not None:
                signals.append(_rsi_signal(rsi, p.rsi, s.rsi_oversold, s.rsi_overbought))
        if "MACD" in wanted:
            macd, sig, hist = talib.MACD(
                c, fastperiod=p.macd_fast, slowperiod=p.macd_slow, signalperiod=p.macd_signal
            )
            look = lookback(
                "MACD", fastperiod=p.macd_fast, slowperiod=p.macd_slow, signalperiod=p.macd_signal
            )
            m = claim("MACD", "MACD", macd, look)
            ms = claim("MACD_SIGNAL", "MACD signal", sig, look)
            claim("MACD_HIST", "MACD histogram", hist, look)
            if m is not None and ms is not None:
                signals.append(_macd_signal(macd, sig))
        if "BBANDS" in wanted:
            upper, middle, lower = talib.BBANDS(
                c, timeperiod=p.bbands, nbdevup=p.bbands_dev, nbdevdn=p.bbands_dev
            )
            look = lookback("BBANDS", timeperiod=p.bbands)
            up = claim("BB_UPPER", "Bollinger upper", upper, look)
            claim("BB_MIDDLE", "Bollinger middle", middle, look)
            low_band = claim("BB_LOWER", "Bollinger lower", lower, look)
            if up is not None and low_band is not None:
                signals.append(_bbands_signal(price, up, low_band))
        if "ATR" in wanted:
            claim(
                "ATR",
                f"ATR({p.atr})",
                talib.ATR(h, lo, c, timeperiod=p.atr),
                lookback("ATR", timeperiod=p.atr),
            )
        adx_value = None
        if "ADX" in wanted:
            look = lookback("ADX", timeperiod=p.adx)
            adx_value = claim("ADX", f"ADX({p.adx})", talib.ADX(h, lo, c, timeperiod=p.adx), look)
            plus = _last(talib.PLUS_DI(h, lo, c, timeperiod=p.adx))
            minus = _last(talib.MINUS_DI(h, lo, c, timeperiod=p.adx))
            if adx_value is not None and plus is not None and minus is not None:
                signals.append(_adx_signal(adx_value, plus, minus))
        if "STOCH" in wanted:
            k, d = talib.STOCH(
                h, lo, c, fastk_period=p.stoch_k, slowk_period=p.stoch_slow, slowd_period=p.stoch_slow
            )
            if n >= p.stoch_k and np.nanmax(h[-p.stoch_k :]) == np.nanmin(lo[-p.stoch_k :]):
                k = d = np.full(n, np.nan)  # no range: %K is 0/0
                notes.append(f"Stochastic undefined: no high-low range in {p.stoch_k} bars")
            look = lookback(
                "STOCH", fastk_period=p.stoch_k, slowk_period=p.stoch_slow, slowd_period=p.stoch_slow
            )
            kv = claim("STOCH_K", "Stochastic %K", k, look)
            claim("STOCH_D", "Stochastic %D", d, look)
            if kv is not None:
                signals.append(_stoch_signal(kv))
        if "OBV" in wanted:
            obv = talib.OBV(c, v)
            last = claim("OBV", "OBV", obv, lookback("OBV"))
            if last is not None and n > 20 and np.isfinite(obv[-21]):
                change = float(obv[-1] - obv[-21])
                direction = "bullish" if change > 0 else "bearish" if change < 0 else "neutral"
                signals.append(
                    Signal(
                        name="OBV",
                        direction=direction,
                        reason=f"on-balance volume {'rose' if change > 0 else 'fell' if change < 0 else 'was flat'} over 20 bars",
                        values={"obv_change_20": change},
                    )
                )
        if "VWAP" in wanted and history.timeframe in INTRADAY_MINUTES:
            w = claim("VWAP", "VWAP (session)", vwap(history), 0)
            if w is not None:
                signals.append(_level_signal("VWAP", price, w))

        trends = self._trends(history)
        patterns = self._patterns(history)
        sections = [AnalysisSection(title="Indicators", values=values)]
        sections.append(AnalysisSection(title="Trend", values=[AnalysisValue(**t) for t in trends["values"]]))
        if patterns:
            sections.append(
                AnalysisSection(
                    title="Patterns",
                    values=[
                        AnalysisValue(name=f"{x['date']} {x['name']}", value=x["direction"]) for x in patterns
                    ],
                )
            )
        signals.extend(trends["signals"])
        summary = _summary(signals)
        return Analysis(
            analyzer="technical",
            symbol=history.symbol,
            timeframe=history.timeframe,
            source=history.source,
            simulated=history.simulated,
            bars=n,
            data_start=_dt(history.timestamps[0]),
            data_end=_dt(history.timestamps[-1]),
            data_fetched_at=history.fetched_at,
            sections=sections,
            signals=signals,
            summary=summary,
            notes=notes + trends["notes"],
            patterns=patterns,
            trends={t["name"]: t["value"] for t in trends["values"]},
            indicators=indicators,
        )

    def _trends(self, history: PriceHistory) -> dict[str, Any]:
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
            if len(crosses) and crosses[-1] >= n - 61:
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
                )
            )
        else:
            note = f"SMA 50/200 trend needs 200 bars, {n} available"
            notes.append(note)
            out.append({"name": "SMA 50/200 cross", "value": None, "note": note})
        window = self.settings.periods.regression
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

    def _patterns(self, history: PriceHistory) -> list[dict[str, Any]]:
        import talib

        found = []
        window = self.settings.pattern_window
        # Only the last `window` bars are reported, and a pattern at bar i reads bars
        # i - lookback .. i only (its trailing candle averages included): scanning that tail gives
        # the same hits as scanning the whole history, at a fraction of the cost on long ones.
        start = max(0, len(history) - window - self._pattern_lookback - PATTERN_MARGIN)
        o, h, lo, c = history.open[start:], history.high[start:], history.low[start:], history.close[start:]
        if np.isnan(o).any():  # TA-Lib needs all four prices; fill gaps with the close
            o = np.where(np.isnan(o), c, o)
            h = np.where(np.isnan(h), np.maximum(o, c), h)
            lo = np.where(np.isnan(lo), np.minimum(o, c), lo)
        for name in self.settings.patterns:
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

    async def validate(self, analysis: Analysis) -> bool:
        """False when a value is claimed on fewer bars than TA-Lib's lookback, or is NaN."""
        for info in analysis.indicators.values():
            if not isinstance(info, dict):
                return False
            value = info.get("value")
            if value is None:
                continue
            if not isinstance(value, int | float) or not math.isfinite(value):
                return False
            if analysis.bars < int(info.get("needs", 0)):
                return False
        for section in analysis.sections:
            for item in section.values:
                if isinstance(item.value, float) and not math.isfinite(item.value):
                    return False
        return True


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
    if len(recent):
        cross = (
            "; crossed above its signal line in the last 3 bars"
            if diff[-1] > 0
            else "; crossed below its signal line in the last 3 bars"
        )
    direction = "bullish" if m > s else "bearish" if m < s else "neutral"
    return Signal(
        name="MACD",
        direction=direction,
        reason=f"MACD {m:.3f} is {'above' if m > s else 'below' if m < s else 'at'} its signal {s:.3f}{cross}",
        values={"macd": m, "signal": s},
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
