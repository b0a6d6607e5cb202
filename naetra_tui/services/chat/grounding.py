"""What an answer is grounded on: the ``<data>`` block for the symbol in view, and the budget
that trims old turns to fit the model's context window (the current context always stays)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ...core.chat import ChatTurn
from ...core.errors import DataUnavailable, InvalidSymbol
from ...core.models import ChatMessage, format_age, utcnow
from ...core.secrets import redact
from ...core.symbols import normalize_symbol

if TYPE_CHECKING:
    from ..analysis import AnalysisService
    from ..market import MarketService
    from ..portfolio.valuation import PortfolioValue
    from ..research import ResearchService
    from .attribution import Fact

#: The user's positions, valued now (None: no portfolio in this session).
PortfolioSource = Callable[[], Awaitable["PortfolioValue | None"]]

#: Tokens kept free for the answer when the prompt is trimmed.
ANSWER_RESERVE_TOKENS = 1024


def estimate_tokens(text: str) -> int:
    """Rough token count (4 characters per token) for the context budget."""
    return math.ceil(len(text) / 4)


def budget(history: list[ChatMessage], system: str, current: str, window: int) -> list[ChatTurn]:
    """System prompt + as many recent turns as fit + the current question (always kept)."""
    left = window - ANSWER_RESERVE_TOKENS - estimate_tokens(system) - estimate_tokens(current)
    kept: list[ChatTurn] = []
    for m in reversed(history):
        if m.role not in ("user", "assistant") or m.error:
            continue
        cost = estimate_tokens(m.content)
        if cost > left:
            break
        left -= cost
        kept.append(ChatTurn(m.role, m.content))
    kept.reverse()
    return [ChatTurn("system", system), *kept, ChatTurn("user", current)]


#: A question about what the user owns ("how is my portfolio doing today?", "my positions",
#: "what is my P&L", "am I up on my holdings"): answered from the positions.
_ABOUT_PORTFOLIO = re.compile(
    r"\b(portfolio|positions?|holdings?|lots?|p\s*&\s*l|pnl|profit|loss|gains?|invested|"
    r"my\s+(stocks?|shares|investments?|money)|am\s+i\s+(up|down|doing))\b",
    re.IGNORECASE,
)


def about_portfolio(question: str) -> bool:
    return bool(_ABOUT_PORTFOLIO.search(question))


async def portfolio_part(portfolio: PortfolioSource | None) -> tuple[str, str] | None:
    """The positions as context lines and their grounding label, or None without positions."""
    if portfolio is None:
        return None
    from ..portfolio.report import context_text

    value = await portfolio()
    if value is None or not value.positions:
        return None
    sources = {"SIMULATED" if p.quote.simulated else p.quote.source for p in value.positions if p.quote}
    label = f"portfolio {sum(1 for p in value.positions if p.lots)} positions in {value.base}"
    if sources:
        label += " · " + ", ".join(sorted(sources))
    if value.incomplete:
        label += " · INCOMPLETE"
    return context_text(value), label


async def build_context(
    market: MarketService,
    analysis: AnalysisService | None,
    symbol: str | None,
    question: str = "",
    portfolio: PortfolioSource | None = None,
    research: ResearchService | None = None,
    facts: list[Fact] | None = None,
) -> tuple[str, list[str]]:
    """The ``<data>`` block for a symbol (and the user's positions, when the question is about
    them: "how is my portfolio doing today?"; its events, news or options when the question is
    about those) and the one-line grounding labels. Typed values of the research data go into
    ``facts`` for the figure check."""
    parts: list[str] = []
    grounding: list[str] = []
    held = await portfolio_part(portfolio) if about_portfolio(question) else None
    if held is not None:
        parts.append(held[0])
        grounding.append(held[1])
    if not symbol:
        return ("<data>\n" + redact("\n".join(parts)) + "\n</data>", grounding) if parts else ("", [])
    symbol = normalize_symbol(symbol)
    row = market.rows.get(symbol)
    if row is None or row.quote is None:
        await market.refresh([symbol])
        row = market.rows.get(symbol)
    if row is not None and row.quote is not None:
        parts.append(quote_line(row))
        q = row.quote
        grounding.append(
            f"quote {symbol} · {'SIMULATED' if q.simulated else q.source} · {format_age(q.age_seconds())} old"
        )
    elif row is not None:
        parts.append(f"quote {symbol}: unavailable ({row.error})")
    try:
        history = await market.history(symbol, "1D", "1Y")
        parts.append(summarize_history(history))
        grounding.append(f"history {symbol} 1D 1Y")
    except (DataUnavailable, InvalidSymbol) as exc:
        parts.append(f"history {symbol}: unavailable ({exc})")
    if analysis is not None:
        for name, result in (await analysis.analyze(symbol, "1D", "2Y")).items():
            if result.analysis is not None:
                parts.append(result.analysis.to_text())
                grounding.append(f"{name} 1D")
            else:
                parts.append(f"[{name}] unavailable: {result.error}")
    from .research_grounding import research_context

    more, labels, typed = await research_context(research, symbol, question)
    parts += more
    grounding += labels
    if facts is not None:
        facts += typed
    return "<data>\n" + redact("\n".join(parts)) + "\n</data>", grounding


def quote_line(row: Any) -> str:
    """One line about a watchlist row's quote, with its source and age."""
    q = row.quote
    change = f"{q.change_pct:+.2f}%" if q.change_pct is not None else "n/a"
    label = "SIMULATED (not real market data)" if q.simulated else q.source
    stale = " STALE" if row.stale else ""
    name = json.dumps(q.name) if q.name else "?"
    return (
        f"quote {q.symbol} (name {name}): last {q.price:.4f} {q.currency or ''} change {change} "
        f"volume {q.volume if q.volume is not None else 'n/a'} market {q.market_state.value} · source {label} · "
        f"{format_age(q.age_seconds())} old{stale}"
    )


def summarize_history(history: Any) -> str:
    """A few lines about a history (not raw bars): last, changes, range, volatility, source, age."""
    c = history.close
    n = len(c)
    if not n:
        return f"history {history.symbol}: empty"

    def change(bars: int) -> str:
        if n <= bars:
            return "n/a"
        return f"{(c[-1] / c[-1 - bars] - 1) * 100:+.2f}%"

    vol = float(np.std(np.diff(np.log(c))) * np.sqrt(252) * 100) if n > 2 else float("nan")
    label = "SIMULATED" if history.simulated else history.source
    start, end = history.timestamps[0].astype("datetime64[D]"), history.timestamps[-1].astype("datetime64[D]")
    age = format_age(max(0.0, (utcnow() - history.fetched_at).total_seconds()))
    return (
        f"history {history.symbol} {history.timeframe}: {n} bars {start}..{end}; last close {c[-1]:.4f}; "
        f"change 1 bar {change(1)}, 5 bars {change(5)}, 21 bars {change(21)}, 63 bars {change(63)}, "
        f"whole range {(c[-1] / c[0] - 1) * 100:+.2f}%; high {np.nanmax(history.high):.4f}, low {np.nanmin(history.low):.4f}; "
        f"volatility (annualised) {vol:.1f}%; source {label}; fetched {age} ago"
    )
