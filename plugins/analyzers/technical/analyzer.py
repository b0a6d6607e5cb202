"""TechnicalAnalyzer: runs the indicator table, trends and patterns into one ``Analysis``."""

from __future__ import annotations

import asyncio
import importlib
import math
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel

from naetra_tui.core.errors import DataUnavailable
from naetra_tui.core.interfaces import IAnalyzer
from naetra_tui.core.models import Analysis, AnalysisSection, AnalysisValue, PriceHistory, Signal
from naetra_tui.core.normalize import to_history

from .config import ALL_INDICATORS, TechnicalConfig
from .indicators import INDICATORS, IndicatorContext
from .series import _last, lookback
from .signals import _dt, _summary
from .trends import patterns as find_patterns
from .trends import trends as trend_measures


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
        s, p = self.settings, self.settings.periods
        wanted = {i.upper() for i in s.indicators}
        c, n = history.close, len(history)
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
        context = IndicatorContext(history, p, s, claim, notes, signals, price)
        for name, compute in INDICATORS.items():
            if name in wanted:
                compute(context)

        trends = trend_measures(history, p.regression)
        patterns = find_patterns(
            history, self.settings.patterns, self.settings.pattern_window, self._pattern_lookback
        )
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
