"""The chat's read-only tools: argument models, their specs for the model, and running them.

An unknown tool or bad arguments go back to the model as a tool error, never executed.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ...core.chat import ToolSpec
from ...core.errors import DataUnavailable, NaetraError
from ...core.secrets import redact
from ...core.symbols import normalize_symbol
from ...core.timeframes import RANGES, TIMEFRAMES
from ..portfolio.performance import performance_facts, summary_lines
from .attribution import Fact, analysis_facts, history_facts, quote_facts
from .grounding import PortfolioSource, portfolio_part, quote_line, summarize_history

if TYPE_CHECKING:
    from ..analysis import AnalysisService
    from ..market import MarketService
    from ..portfolio.performance import PerformanceReport
    from ..research import ResearchService


def _symbol_list(values: list[str], low: int, high: int) -> list[str]:
    if not low <= len(values) <= high:
        raise ValueError(f"give between {low} and {high} symbols")
    return [normalize_symbol(v) for v in values]


class GetQuoteArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    symbols: list[str]

    @field_validator("symbols")
    @classmethod
    def _check(cls, v: list[str]) -> list[str]:
        return _symbol_list(v, 1, 10)


class GetHistoryArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    symbol: str
    timeframe: str = Field("1D", json_schema_extra={"enum": list(TIMEFRAMES)})
    range: str = Field("1Y", json_schema_extra={"enum": list(RANGES)})

    @field_validator("symbol")
    @classmethod
    def _check(cls, v: str) -> str:
        return normalize_symbol(v)

    @field_validator("timeframe")
    @classmethod
    def _timeframe(cls, v: str) -> str:
        if v not in TIMEFRAMES:
            raise ValueError(f"use one of {', '.join(TIMEFRAMES)}")
        return v

    @field_validator("range")
    @classmethod
    def _range(cls, v: str) -> str:
        if v.upper() not in RANGES:
            raise ValueError(f"use one of {', '.join(RANGES)}")
        return v.upper()


class RunAnalysisArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    symbol: str
    analyzer: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")

    @field_validator("symbol")
    @classmethod
    def _check(cls, v: str) -> str:
        return normalize_symbol(v)


class CompareArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    symbols: list[str]

    @field_validator("symbols")
    @classmethod
    def _check(cls, v: list[str]) -> list[str]:
        return _symbol_list(v, 2, 5)


class SymbolArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    symbol: str

    @field_validator("symbol")
    @classmethod
    def _check(cls, v: str) -> str:
        return normalize_symbol(v)


class GetOptionChainArgs(SymbolArgs):
    expiry: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class ListWatchlistArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GetPortfolioArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GetPerformanceArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Literal["1M", "3M", "YTD", "1Y", "ALL"] = "YTD"


TOOL_ARGS: dict[str, type[BaseModel]] = {
    "get_quote": GetQuoteArgs,
    "get_history": GetHistoryArgs,
    "run_analysis": RunAnalysisArgs,
    "compare": CompareArgs,
    "list_watchlist": ListWatchlistArgs,
    "get_portfolio": GetPortfolioArgs,
    "get_performance": GetPerformanceArgs,
    "get_news": SymbolArgs,
    "get_events": SymbolArgs,
    "get_option_chain": GetOptionChainArgs,
}
TOOL_DESCRIPTIONS = {
    "get_quote": "Latest quotes (price, change, source, age) for 1-10 symbols.",
    "get_history": f"Summary of a symbol's price history (not raw bars). timeframe one of {', '.join(TIMEFRAMES)}; range one of {', '.join(RANGES)}.",
    "run_analysis": "Run one analyzer (e.g. technical, fundamental) on a symbol; returns its compact text.",
    "compare": "Compare 2-5 symbols: price, change, 1Y return, volatility.",
    "list_watchlist": "The symbols on the user's active watchlist.",
    "get_portfolio": "The user's positions (read-only): quantity, average cost, price, value, day and total P&L "
    "in the position's and the base currency, weights, FX rates, each with its source and age.",
    "get_performance": "How the user's portfolio did over a period (1M, 3M, YTD, 1Y, ALL): time-weighted and "
    "money-weighted (XIRR) returns, the benchmark's return (S&P 500 by default), volatility, max drawdown, "
    "Sharpe, beta, realised P&L by year.",
    "get_news": "Recent news headlines about a symbol (time, publisher, title), newest first.",
    "get_events": "A symbol's next earnings date (and EPS estimate), dividends (ex-date, amount, pay date) and splits.",
    "get_option_chain": "Calls and puts near the money for a symbol's expiry (YYYY-MM-DD; default the nearest): "
    "bid, ask, volume, open interest, implied volatility and Greeks.",
}


def tool_specs() -> list[ToolSpec]:
    """Each tool with a JSON schema of its arguments (each provider puts them in its own format)."""
    # made once: pydantic builds the schemas in ~4 ms, on the event loop, at every question
    return copy.deepcopy(_tool_specs())


@functools.cache
def _tool_specs() -> list[ToolSpec]:
    out = []
    for name, model in TOOL_ARGS.items():
        schema = model.model_json_schema()
        schema.pop("title", None)
        for prop in schema.get("properties", {}).values():
            prop.pop("title", None)
        out.append(ToolSpec(name, TOOL_DESCRIPTIONS[name], schema))
    return out


class ChatTools:
    """Runs the tools against the live services."""

    def __init__(
        self,
        market: MarketService,
        analysis: AnalysisService | None,
        watchlist: Callable[[], Awaitable[list[str]]] | None,
        portfolio: PortfolioSource | None = None,
        research: ResearchService | None = None,
        performance: Callable[[str], Awaitable[PerformanceReport]] | None = None,
    ) -> None:
        self.research = research
        self.performance = performance
        self.market = market
        self.analysis = analysis
        self.watchlist = watchlist  # async callable returning the active watchlist's symbols
        self.portfolio = portfolio

    async def run(self, name: str, arguments: Any) -> str:
        """Execute a read-only tool; any problem is returned as text for the model."""
        return (await self.run_typed(name, arguments))[0]

    async def run_typed(self, name: str, arguments: Any) -> tuple[str, list[Fact]]:
        """The tool's text for the model, and the typed values it gave (what the answer's
        figures are checked against: symbol, field, source, as-of). An error gives none."""
        if name not in TOOL_ARGS:
            return f"error: unknown tool '{name}'; available tools: {', '.join(TOOL_ARGS)}", []
        try:
            args = TOOL_ARGS[name].model_validate(arguments if isinstance(arguments, dict) else {})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}"
                for e in exc.errors(include_input=False)
            )
            return f"error: invalid arguments for {name}: {problems}", []
        try:
            return await self._tool(name, args)
        except (NaetraError, ValueError) as exc:
            return f"error: {redact(str(exc))}", []

    async def _tool(self, name: str, args: Any) -> tuple[str, list[Fact]]:
        if name == "get_quote":
            rows = await self.market.refresh(args.symbols)
            text = "\n".join(
                quote_line(r) if r.quote else f"{r.symbol}: unavailable ({r.error})" for r in rows.values()
            )
            return text, [f for r in rows.values() if r.quote for f in quote_facts(r.quote)]
        if name == "get_history":
            history = await self.market.history(args.symbol, args.timeframe, args.range)
            return summarize_history(history), history_facts(history)
        if name == "run_analysis":
            if self.analysis is None:
                return "error: analysis is not available", []
            results = await self.analysis.analyze(args.symbol, "1D", "2Y")
            if args.analyzer not in results:
                return (
                    f"error: no analyzer named '{args.analyzer}'; available: {', '.join(results) or 'none'}",
                    [],
                )
            result = results[args.analyzer]
            if result.analysis is None:
                return f"error: {result.error}", []
            return result.analysis.to_text(), analysis_facts(result.analysis)
        if name == "compare":
            lines = [
                "| symbol | last | change | 1Y return | volatility (ann.) | source |",
                "|---|---|---|---|---|---|",
            ]
            rows = await self.market.refresh(args.symbols)
            facts: list[Fact] = []
            for symbol in args.symbols:
                row = rows.get(symbol)
                q = row.quote if row else None
                try:
                    h = await self.market.history(symbol, "1D", "1Y")
                    ret = (h.close[-1] / h.close[0] - 1) * 100
                    vol = (
                        float(np.std(np.diff(np.log(h.close))) * np.sqrt(252) * 100)
                        if len(h) > 2
                        else float("nan")
                    )
                    extra = f"{ret:+.1f}% | {vol:.1f}%"
                    facts += [Fact(symbol, name, value, h.source, h.fetched_at, h.simulated, True)
                              for name, value in (("1Y return", ret), ("volatility", vol))]  # fmt: skip
                except DataUnavailable:
                    extra = "n/a | n/a"
                if q is None:
                    lines.append(f"| {symbol} | n/a | n/a | {extra} | unavailable |")
                else:
                    change = f"{q.change_pct:+.2f}%" if q.change_pct is not None else "n/a"
                    lines.append(
                        f"| {symbol} | {q.price:.4f} | {change} | {extra} | {'SIMULATED' if q.simulated else q.source} |"
                    )
                    facts += quote_facts(q)
            return "\n".join(lines), facts
        if name in ("get_news", "get_events", "get_option_chain"):
            return await self._research_tool(name, args)
        if name == "get_portfolio":
            held = await portfolio_part(self.portfolio)
            return (held[0] if held else "(the user holds no positions)"), []
        if name == "get_performance":
            if self.performance is None:
                return "error: portfolio performance is not available here", []
            report = await self.performance(args.period)
            return "\n".join(summary_lines(report)), performance_facts(report)
        if name == "list_watchlist":
            symbols = await self.watchlist() if self.watchlist else []
            return ", ".join(symbols) or "(the watchlist is empty)", []
        return f"error: unknown tool '{name}'", []

    async def _research_tool(self, name: str, args: Any) -> tuple[str, list[Fact]]:
        from datetime import date

        from .research_grounding import chain_facts, chain_text, events_facts, events_text, news_text

        if self.research is None:
            return "error: news, events and options are not available here", []
        if name == "get_news":
            return news_text(args.symbol, await self.research.news(args.symbol, 10)), []
        if name == "get_events":
            events = await self.research.events(args.symbol)
            return events_text(events), events_facts(events)
        expiry = date.fromisoformat(args.expiry) if args.expiry else None
        chain = await self.research.chain(args.symbol, expiry)
        return chain_text(chain), chain_facts(chain)
