"""AnalysisService: runs the enabled analyzers on a symbol's data, concurrently, and caches them.

Results are cached in storage keyed by the data they were computed on (symbol, timeframe, bar
count, last bar's time and close): new bars change the key and the analysis runs again. An
analyzer that raises, hangs or returns an invalid result is isolated — its pane shows why and
the others still show.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.errors import DataUnavailable, NaetraError
from ..core.metrics import METRICS
from ..core.models import Analysis, Fundamentals, PriceHistory
from ..core.secrets import redact

if TYPE_CHECKING:
    from ..plugin_host.manager import PluginManager
    from .market import MarketService
    from .state import AppState

log = logging.getLogger(__name__)
ANALYZER_TIMEOUT = 15.0
CACHE_TTL = 6 * 3600


@dataclass
class AnalysisResult:
    """One analyzer's outcome for a symbol: the analysis or the reason there is none."""

    analyzer: str
    analysis: Analysis | None = None
    error: str | None = None
    cached: bool = False


def fingerprint(history: PriceHistory | None, fundamentals: Fundamentals | None) -> str:
    parts: list[str] = []
    if history is not None and len(history):
        parts += [
            history.symbol,
            history.timeframe,
            str(len(history)),
            str(history.timestamps[-1]),
            repr(float(history.close[-1])),
        ]
    if fundamentals is not None:
        parts.append(fundamentals.model_dump_json(exclude={"fetched_at"}))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


class AnalysisService:
    def __init__(self, manager: PluginManager, market: MarketService, state: AppState | None = None) -> None:
        self.manager = manager
        self.market = market
        self.state = state

    def analyzers(self) -> list[tuple[str, Any]]:
        return self.manager.active("analyzers")

    async def analyze(
        self, symbol: str, timeframe: str = "1D", range_name: str | None = "2Y"
    ) -> dict[str, AnalysisResult]:
        """Run every enabled analyzer; never raises for one analyzer's failure.

        Raises:
            InvalidSymbol: not a symbol.
        """
        analyzers = self.analyzers()
        history: PriceHistory | None = None
        history_error = fundamentals_error = None
        try:
            history = await self.market.history(symbol, timeframe, range_name)
        except DataUnavailable as exc:
            history_error = str(exc)
        fundamentals: Fundamentals | None = None
        if any(getattr(a, "needs_fundamentals", False) for _, a in analyzers):
            try:
                fundamentals = await self.market.fundamentals(symbol)
            except DataUnavailable as exc:
                fundamentals_error = str(exc)
        quote = self.market.rows.get(symbol.strip().upper())
        data = {
            "symbol": symbol.strip().upper(),
            "timeframe": timeframe,
            "history": history,
            "fundamentals": fundamentals,
            "quote": quote.quote if quote else None,
        }
        jobs = [self._run(name, a, data, history_error, fundamentals_error) for name, a in analyzers]
        results = await asyncio.gather(*jobs)
        return {r.analyzer: r for r in results}

    async def _run(
        self,
        name: str,
        analyzer: Any,
        data: dict[str, Any],
        history_error: str | None,
        fundamentals_error: str | None,
    ) -> AnalysisResult:
        needs_fundamentals = bool(getattr(analyzer, "needs_fundamentals", False))
        if needs_fundamentals and data["fundamentals"] is None:
            return AnalysisResult(name, error=fundamentals_error or "no fundamentals available")
        if not needs_fundamentals and data["history"] is None:
            return AnalysisResult(name, error=history_error or "no price history available")
        key = fingerprint(data["history"], data["fundamentals"] if needs_fundamentals else None)
        symbol, timeframe = data["symbol"], data["timeframe"]
        if self.state is not None:
            try:
                cached = await self.state.cached_analysis(name, symbol, timeframe, key)
                if cached is not None:
                    return AnalysisResult(name, Analysis.model_validate(cached), cached=True)
            except (NaetraError, ValueError) as exc:
                log.warning("ignoring cached analysis %s/%s: %s", name, symbol, exc)
        try:
            with METRICS.track("analyzers", name, "analyze"):
                analysis = await asyncio.wait_for(analyzer.analyze(data), ANALYZER_TIMEOUT)
            if not isinstance(analysis, Analysis):
                raise TypeError(f"analyze() returned {type(analysis).__name__}, not an Analysis")
            if not await analyzer.validate(analysis):
                return AnalysisResult(
                    name, error=f"{name} produced a result that failed its own validation; not shown"
                )
        except TimeoutError:
            return AnalysisResult(name, error=f"{name} did not finish within {ANALYZER_TIMEOUT:g} s")
        except NaetraError as exc:
            return AnalysisResult(name, error=redact(str(exc)))
        except Exception as exc:
            log.exception("analyzer %s failed", name)
            return AnalysisResult(name, error=redact(f"{name} failed: {type(exc).__name__}: {exc}"))
        analysis.analyzer = analysis.analyzer or name
        analysis.symbol = analysis.symbol or symbol
        analysis.timeframe = analysis.timeframe or timeframe
        if self.state is not None:
            try:
                await self.state.cache_analysis(
                    name, symbol, timeframe, key, analysis.model_dump(mode="json"), CACHE_TTL
                )
            except NaetraError as exc:
                log.warning("could not cache analysis: %s", exc)
        return AnalysisResult(name, analysis)
