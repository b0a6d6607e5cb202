"""``check_figures``: the figures of an agent's text matched against fresh data for the symbols
it names (or those given) — quotes, every analyzer's values, the user's positions, and for a
text about them, events and option chains — each
verified with the symbol, field, source and as-of time it matched, or unverified with why.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..core.errors import NaetraError
from ..core.symbols import is_valid_symbol
from ..services.chat.attribution import Fact, analysis_facts, attribute, quote_facts
from ..services.chat.research_grounding import research_context

if TYPE_CHECKING:
    from ..services.session import Session

# A ticker as people write it in prose: "AAPL", "$AAPL", "BRK.B", "VOD.L", "^GSPC", "EURUSD=X".
_TICKER = re.compile(r"(?<![\w.^=$-])\$?(\^?[A-Z][A-Z0-9]{0,5}(?:[.=-][A-Z0-9]{1,4})?)(?![\w])")
# Capitalised words that are not tickers in a market text (a ticker that is one of these can be
# given in ``symbols``).
NOT_TICKERS = frozenset(
    "A I AM AN AND ARE AS AT BE BY DO FOR IF IN IS IT MY NO NOT OF ON OR SO THE TO UP US WE "
    "RSI MACD SMA EMA ATR ADX OBV VWAP BB EPS PE PEG ROE ROA ETF IPO CEO CFO YTD QTD MTD YOY "
    "TTM FY Q1 Q2 Q3 Q4 H1 H2 AI USD EUR GBP JPY CHF CAD AUD GBX GBP NB PS OK NYSE NASDAQ SEC FX "
    "PNL P L DAY LOW HIGH OPEN CLOSE BUY SELL HOLD NOTE SIMULATED STALE INCOMPLETE".split()
)


def named_symbols(text: str, limit: int) -> list[str]:
    """The tickers ``text`` names, in order of first mention, at most ``limit``."""
    found: dict[str, None] = {}
    for match in _TICKER.finditer(text):
        symbol = match.group(1)
        if symbol in NOT_TICKERS or not is_valid_symbol(symbol):
            continue
        found.setdefault(symbol)
        if len(found) >= limit:
            break
    return list(found)


POSITION_FIELDS = ("quantity", "average_cost", "cost", "value", "day_pnl", "total_pnl", "value_base",
                   "day_pnl_base", "total_pnl_base", "realised")  # fmt: skip


def position_facts(value: Any) -> list[Fact]:
    """The user's positions as facts ("your 10 AAPL are worth $1,892.30")."""
    out: list[Fact] = []
    for p in value.positions:
        q = p.quote
        as_of = q.as_of if q is not None else None
        source = "your positions" + (" (SIMULATED prices)" if q is not None and q.simulated else "")
        for name in POSITION_FIELDS:
            number = getattr(p, name)
            if number is not None:
                out.append(Fact(p.symbol, f"position {name}", float(number), source, as_of))
        for name in ("total_pct", "weight"):
            number = getattr(p, name)
            if number is not None:
                out.append(Fact(p.symbol, f"position {name}", float(number), source, as_of, percent=True))
    for name in ("value", "day_pnl", "total_pnl", "realised"):
        out.append(Fact("portfolio", f"total {name}", float(getattr(value, name)), "your positions", None))
    return out


async def check_text(session: Session, text: str, given: list[str] | None, limit: int) -> dict[str, Any]:
    symbols = given or named_symbols(text, limit)
    facts: list[Fact] = []
    unavailable: list[dict[str, str]] = []
    if symbols:
        rows = await session.market.refresh(symbols)
        for symbol, row in rows.items():
            if row.quote is None:
                unavailable.append({"symbol": symbol, "reason": row.error or "no data"})
                continue
            facts.extend(quote_facts(row.quote))
            for result in (await session.analysis.analyze(symbol, "1D", "2Y")).values():
                if result.analysis is not None:
                    facts.extend(analysis_facts(result.analysis))
            # a text about earnings, dividends or options: their values too (as the chat's check)
            facts.extend((await research_context(session.research, symbol, text))[2])
    try:
        if session.portfolio.symbols():
            facts.extend(position_facts(await session.valued_portfolio()))
    except NaetraError as exc:
        unavailable.append({"symbol": "portfolio", "reason": str(exc)})
    checked = attribute(text, facts)
    verified, unverified = checked.verified, checked.unverified
    summary = (
        f"{len(verified)} of {len(checked.verdicts)} figures verified against fresh data"
        if checked.verdicts
        else "no figures to check"
    )
    if unverified:
        summary += "; unverified: " + ", ".join(v.figure for v in unverified[:20]) + " (fix or remove them)"
    if any(v.fact is not None and v.fact.simulated for v in verified):
        summary += "; some figures match SIMULATED data, not real market data: say so"
    return {
        "summary": summary,
        "symbols": symbols,
        "verified": [v.describe() for v in verified],
        "unverified": [v.describe() for v in unverified],
        "unavailable": unavailable,
    }
