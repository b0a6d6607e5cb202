"""Yahoo Finance's news, earnings calendar and option chains: the same endpoints yfinance reads
(``Ticker.options``/``option_chain``: v7 options; ``Ticker.calendar``: v10 quoteSummary
``calendarEvents``; headlines: v1 search), fetched through yfinance's HTTP layer at the
plugin's ``base_url``, parsed here into the shapes ``core/research.py`` checks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from naetra_tui.core.errors import DataUnavailable, UnknownSymbol

SOURCE = "yahoo_finance"


def _epoch_day(value: Any) -> date | None:
    raw = value.get("raw") if isinstance(value, dict) else value
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    try:
        return datetime.fromtimestamp(float(raw), UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _raw(value: Any) -> Any:
    return value.get("raw") if isinstance(value, dict) else value


def option_result(payload: Any, symbol: str) -> dict[str, Any]:
    """``optionChain.result[0]`` of a v7 options answer. Raises: UnknownSymbol, DataUnavailable."""
    chain = payload.get("optionChain") if isinstance(payload, dict) else None
    results = chain.get("result") if isinstance(chain, dict) else None
    if not isinstance(results, list):
        raise DataUnavailable(
            f"Yahoo Finance sent no option chain for {symbol}", symbol=symbol, source=SOURCE
        )
    if not results or not isinstance(results[0], dict):
        raise UnknownSymbol(f"Yahoo Finance lists no options for {symbol}", symbol=symbol, source=SOURCE)
    found: dict[str, Any] = results[0]
    return found


def expirations(payload: Any, symbol: str) -> list[date]:
    dates = option_result(payload, symbol).get("expirationDates") or []
    return [d for d in (_epoch_day(v) for v in dates) if d is not None]


def _contract(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {}
    return {
        "strike": item.get("strike"),
        "bid": item.get("bid"),
        "ask": item.get("ask"),
        "last": item.get("lastPrice"),
        "volume": item.get("volume"),
        "open_interest": item.get("openInterest"),
        "implied_vol": item.get("impliedVolatility"),
    }


def chain(payload: Any, symbol: str, expiry: date) -> dict[str, Any]:
    """The calls and puts of ``expiry`` (Yahoo answers the nearest expiry it has when asked for
    one it does not list: that is refused, never shown as the date asked for)."""
    result = option_result(payload, symbol)
    options = result.get("options") or []
    first = options[0] if options and isinstance(options[0], dict) else {}
    if _epoch_day(first.get("expirationDate")) != expiry:
        raise DataUnavailable(
            f"Yahoo Finance has no {symbol} options expiring {expiry}", symbol=symbol, source=SOURCE
        )
    return {
        "calls": [_contract(c) for c in first.get("calls") or []],
        "puts": [_contract(p) for p in first.get("puts") or []],
    }


def calendar(payload: Any, symbol: str) -> dict[str, Any]:
    """``calendarEvents`` of a v10 quoteSummary answer: next earnings and its estimate, the
    next ex-dividend date (with the amount from ``summaryDetail`` when it is there)."""
    summary = payload.get("quoteSummary") if isinstance(payload, dict) else None
    results = summary.get("result") if isinstance(summary, dict) else None
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        raise DataUnavailable(f"Yahoo Finance sent no calendar for {symbol}", symbol=symbol, source=SOURCE)
    events = results[0].get("calendarEvents") or {}
    detail = results[0].get("summaryDetail") or {}
    earnings = events.get("earnings") or {}
    dates = [d for d in (_epoch_day(v) for v in earnings.get("earningsDate") or []) if d is not None]
    out: dict[str, Any] = {
        "next_earnings": min(dates) if dates else None,
        "earnings_eps_estimate": _raw(earnings.get("earningsAverage")),
        "currency": detail.get("currency"),
    }
    ex_date = _epoch_day(events.get("exDividendDate"))
    rate, frequency = _raw(detail.get("dividendRate")), 4  # US dividends are mostly quarterly
    if ex_date is not None and isinstance(rate, int | float) and rate > 0:
        out["dividends"] = [{"ex_date": ex_date, "amount": round(rate / frequency, 4),
                             "pay_date": _epoch_day(events.get("dividendDate"))}]  # fmt: skip
    if out["next_earnings"] is None and not out.get("dividends"):
        out["note"] = f"Yahoo Finance lists no upcoming earnings or dividends for {symbol}"
    return out


def news(payload: Any) -> list[dict[str, Any]]:
    """The ``news`` of a v1 search answer."""
    items = payload.get("news") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        return []
    return [
        {
            "title": item.get("title"),
            "publisher": item.get("publisher"),
            "published_at": item.get("providerPublishTime"),
            "link": item.get("link"),
            "related": item.get("relatedTickers") or [],
        }
        for item in items
        if isinstance(item, dict)
    ]
