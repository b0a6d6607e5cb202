"""What the MCP tools return: plain JSON with every number's source, as-of time, age and
whether it is simulated — and a ``summary`` line that says it in words, because an agent reads
the text, not only the fields.

Every string leaving the server goes through ``outgoing``: cleaned of escapes and control
characters (remote names, descriptions and errors) and with every known secret redacted.
"""

from __future__ import annotations

from typing import Any

import orjson
from mcp_types import CallToolResult, TextContent

from ..core.ages import format_age
from ..core.clock import utcnow
from ..core.secrets import has_secret, redact
from ..core.text import clean

SIMULATED = "SIMULATED (offline feed, not real market data)"


def outgoing(value: Any) -> Any:
    """``value`` with every string in it cleaned and redacted (dict keys too)."""
    if isinstance(value, str):
        return redact(clean(value))
    if isinstance(value, dict):
        return {outgoing(k): outgoing(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [outgoing(v) for v in value]
    return value


def reply(value: dict[str, Any]) -> CallToolResult:
    """A tool's result as the agent gets it: the JSON text it reads (cleaned, redacted) and the
    same as structured content — serialised once, here, with orjson (the SDK's generic path
    serialises and validates the dict twice, more than the data costs to fetch)."""
    cleaned = public(value)
    text = orjson.dumps(cleaned, default=str, option=orjson.OPT_INDENT_2).decode()
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=cleaned)


def public(value: dict[str, Any]) -> dict[str, Any]:
    """A tool's result, ready for the agent (see ``outgoing``).

    Most results hold nothing to clean: one pass over their JSON shows it (a control character
    is escaped there (``\\u00XX``, ``\\r``), a format character is not printable, a secret is found as
    ``redact`` would find it) and the walk over every string is skipped.
    """
    text = orjson.dumps(value, default=str).decode()
    escaped_controls = ("\\u00", "\\r", "\\b", "\\f")  # JSON's escapes of what ``clean`` removes
    if text.isprintable() and not any(e in text for e in escaped_controls) and not has_secret(text):
        return value
    cleaned: dict[str, Any] = outgoing(value)
    return cleaned


def label(source: str, simulated: bool) -> str:
    return SIMULATED if simulated else source


def quote_result(row: Any) -> dict[str, Any]:
    """One watchlist row: the quote's fields as ``quote --json`` prints them, plus age and words."""
    q = row.quote
    age = q.age_seconds()
    item: dict[str, Any] = q.model_dump(mode="json") | {
        "change_pct": q.change_pct,
        "age_seconds": round(age, 1),
        "stale": row.stale,
    }
    change = f"{q.change_pct:+.2f}%" if q.change_pct is not None else "change n/a"
    stale = " — STALE: older than the configured limit while its market is open" if row.stale else ""
    item["summary"] = (
        f"{q.symbol} {q.price:.4f} {q.currency or '(currency unknown)'} {change}, market {q.market_state.value}; "
        f"source {label(q.source, q.simulated)}; as of {item['as_of']} ({format_age(age)} old){stale}"
    )
    return item


def quotes_result(rows: dict[str, Any]) -> dict[str, Any]:
    quotes = [quote_result(r) for r in rows.values() if r.quote is not None]
    missing = [{"symbol": r.symbol, "reason": r.error or "no data"} for r in rows.values() if r.quote is None]
    notes = []
    if any(q["simulated"] for q in quotes):
        notes.append("Some or all prices are SIMULATED: say so to the user; they are not real market data.")
    if any(q["stale"] for q in quotes):
        notes.append("Some prices are STALE: do not present them as current.")
    if missing:
        notes.append(
            "No data for: " + ", ".join(m["symbol"] for m in missing) + ". Do not guess these values."
        )
    return {"quotes": quotes, "unavailable": missing, "notes": notes}


def history_result(history: Any, range_name: str) -> dict[str, Any]:
    from ..services.chat.grounding import summarize_history

    return {
        "symbol": history.symbol,
        "timeframe": history.timeframe,
        "range": range_name,
        "source": label(history.source, history.simulated),
        "simulated": history.simulated,
        "fetched_at": history.fetched_at.isoformat(),
        "age_seconds": round(max(0.0, (utcnow() - history.fetched_at).total_seconds()), 1),
        "summary": summarize_history(history),
        "bars": history.to_columns(),
    }


def analysis_result(results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, result in results.items():
        if result.analysis is None:
            out[name] = {"error": result.error, "summary": f"[{name}] unavailable: {result.error}"}
        else:
            out[name] = result.analysis.model_dump(mode="json") | {"summary": result.analysis.to_text()}
    return {"analyzers": out}


def fundamentals_result(fundamentals: Any) -> dict[str, Any]:
    item: dict[str, Any] = fundamentals.model_dump(mode="json")
    item["source"] = label(fundamentals.source, fundamentals.simulated)
    age = max(0.0, (utcnow() - fundamentals.fetched_at).total_seconds())
    item["age_seconds"] = round(age, 1)
    item["summary"] = (
        f"fundamentals of {fundamentals.symbol} from {label(fundamentals.source, fundamentals.simulated)}, "
        f"fetched {item['fetched_at']} ({format_age(age)} old); a field the source does not give is null: "
        "do not fill it in"
    )
    return item


def portfolio_result(value: Any) -> dict[str, Any]:
    from ..services.portfolio.report import portfolio_dict, summary_line

    item = portfolio_dict(value)
    simulated = [p.symbol for p in value.positions if p.quote is not None and p.quote.simulated]
    item["summary"] = (
        f"base currency {value.base}; "
        + summary_line(value)
        + (
            f"; priced on SIMULATED data (not real market prices): {', '.join(simulated)}"
            if simulated
            else ""
        )
        + ("; the totals leave out what could not be valued (totals.incomplete)" if value.incomplete else "")
    )
    return item


def proposal_result(proposal: Any) -> dict[str, Any]:
    record: dict[str, Any] = proposal.to_record()
    return record | {"summary": proposal.summary}


def research_result(kind: str, symbol: str, value: Any, source: str, simulated: bool) -> dict[str, Any]:
    """News, events or an option chain (``core/research.py`` types, checked where they entered)
    with the source in words."""
    import dataclasses

    data = (
        dataclasses.asdict(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type)
        else value
    )
    summary = f"{kind} of {symbol} from {label(source, simulated)}"
    if kind == "option chain":
        summary += "; Greeks computed by naetra-tui (Black-Scholes): theta per day, vega per volatility point"
    return {"summary": summary, "source": label(source, simulated), kind.replace(" ", "_"): data}
