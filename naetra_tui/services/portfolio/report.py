"""The portfolio as data for machines (``portfolio --json``/``--csv``, the chat's tool) and as
plain lines for the chat's context: every figure with its currency, source and age."""

from __future__ import annotations

from typing import Any

from ...core.models import format_age
from .fmt import money, percent
from .valuation import FxRate, PortfolioValue, PositionValue

CSV_COLUMNS = (
    "symbol", "quantity", "currency", "average_cost", "price", "price_basis", "value", "day_pnl",
    "total_pnl", "total_pnl_pct", "realised_pnl", "base_currency", "fx_rate", "fx_source", "fx_age_s",
    "value_base", "day_pnl_base", "total_pnl_base", "weight_pct", "source", "age_s", "stale", "problem",
)  # fmt: skip


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def rate_dict(rate: FxRate) -> dict[str, Any]:
    return {
        "currency": rate.currency,
        "symbol": rate.symbol,
        "rate": _round(rate.rate, 6),
        "source": rate.source,
        "simulated": rate.simulated,
        "age_seconds": round(rate.age_seconds, 1),
        "stale": rate.stale,
    }


def position_dict(p: PositionValue) -> dict[str, Any]:
    q = p.quote
    return {
        "symbol": p.symbol,
        "quantity": p.quantity,
        "currency": p.currency,
        "cost_basis": "average cost",
        "average_cost": _round(p.average_cost),
        "cost": _round(p.cost, 2),
        "price": _round(p.price),
        "price_basis": p.basis or None,
        "value": _round(p.value, 2),
        "day_pnl": _round(p.day_pnl, 2),
        "total_pnl": _round(p.total_pnl, 2),
        "total_pnl_pct": _round(p.total_pct, 2),
        "realised_pnl": _round(p.realised, 2),
        "value_base": _round(p.value_base, 2),
        "day_pnl_base": _round(p.day_pnl_base, 2),
        "total_pnl_base": _round(p.total_pnl_base, 2),
        "realised_pnl_base": _round(p.realised_base, 2),
        "weight_pct": _round(p.weight, 2),
        "fx": rate_dict(p.fx) if p.fx else None,
        "quote": None
        if q is None
        else {
            "source": q.source,
            "simulated": q.simulated,
            "market_state": q.market_state.value,
            "age_seconds": round(q.age_seconds(), 1),
            "stale": p.stale,
            "quote_currency": q.currency,
        },
        "problem": p.problem,
        "lots": [
            {
                "id": lot.id,
                "quantity": lot.quantity,
                "price": lot.price,
                "date": lot.opened.isoformat(),
                "fees": lot.fees,
                "currency": lot.currency,
            }
            for lot in p.lots
        ],
    }


def portfolio_dict(v: PortfolioValue) -> dict[str, Any]:
    return {
        "base_currency": v.base,
        "positions": [position_dict(p) for p in v.positions],
        "totals": {
            "value": round(v.value, 2),
            "day_pnl": round(v.day_pnl, 2),
            "total_pnl": round(v.total_pnl, 2),
            "total_pnl_pct": _round(v.total_pct, 2),
            "realised_pnl": round(v.realised, 2),
            "complete": not v.incomplete,
            "incomplete": list(v.incomplete),
        },
        "fx_rates": [rate_dict(r) for r in v.rates],
    }


def csv_rows(v: PortfolioValue) -> list[list[Any]]:
    """``CSV_COLUMNS`` rows, one per position, then a TOTAL row (in the base currency)."""
    rows: list[list[Any]] = []
    for p in v.positions:
        d = position_dict(p)
        fx, quote = d["fx"] or {}, d["quote"] or {}
        rows.append([
            p.symbol, p.quantity, p.currency, d["average_cost"], d["price"], p.basis, d["value"],
            d["day_pnl"], d["total_pnl"], d["total_pnl_pct"], d["realised_pnl"], v.base,
            fx.get("rate", 1.0 if p.currency == v.base else None), fx.get("source"), fx.get("age_seconds"),
            d["value_base"], d["day_pnl_base"], d["total_pnl_base"], d["weight_pct"],
            "simulated" if quote.get("simulated") else quote.get("source"), quote.get("age_seconds"),
            quote.get("stale"), p.problem,
        ])  # fmt: skip
    t = portfolio_dict(v)["totals"]
    rows.append(["TOTAL", None, None, None, None, None, None, None, None, None, None, v.base, None, None,
                 None, t["value"], t["day_pnl"], t["total_pnl"], 100.0, None, None, None,
                 "; ".join(v.incomplete) or None])  # fmt: skip
    return rows


def summary_line(v: PortfolioValue) -> str:
    """One line: value, day and total P&L in the base currency, and what is missing."""
    pct = f" ({percent(v.total_pct)})" if v.total_pct is not None else ""
    open_count = sum(1 for p in v.positions if p.lots)
    line = (
        f"{open_count} position{'s' if open_count != 1 else ''} · value {money(v.value, v.base)} · "
        f"day {money(v.day_pnl, v.base, True)} · total {money(v.total_pnl, v.base, True)}{pct}"
    )
    if v.realised:
        line += f" · realised {money(v.realised, v.base, True)}"
    if v.incomplete:
        line += f" · INCOMPLETE: {len(v.incomplete)} left out"
    return line


def rates_line(v: PortfolioValue) -> str:
    parts = [f"{r.label} {format_age(r.age_seconds)} old{' STALE' if r.stale else ''}" for r in v.rates]
    return "FX: " + ", ".join(parts) if parts else ""


def context_text(v: PortfolioValue) -> str:
    """The user's positions for the chat: plain lines, figures with currency, source and age."""
    lines = [f"portfolio (cost basis: average cost; base currency {v.base}): {summary_line(v)}"]
    for p in v.positions:
        if not p.lots:
            lines.append(f"position {p.symbol}: closed; realised {money(p.realised, p.currency, True)}")
            continue
        q = p.quote
        src = (
            ("SIMULATED" if q.simulated else q.source) + f" · {format_age(q.age_seconds())} old"
            if q
            else "no quote"
        )
        pct = f" ({percent(p.total_pct)})" if p.total_pct is not None else ""
        lines.append(
            f"position {p.symbol}: quantity {p.quantity:g} · average cost {money(p.average_cost, p.currency)} · "
            f"price {money(p.price, p.currency)} ({p.basis or 'n/a'}) · value {money(p.value, p.currency)} · "
            f"day P&L {money(p.day_pnl, p.currency, True)} · total P&L {money(p.total_pnl, p.currency, True)}{pct}"
            f" · in {v.base}: value {money(p.value_base, v.base)}, day {money(p.day_pnl_base, v.base, True)}, "
            f"total {money(p.total_pnl_base, v.base, True)} · weight "
            f"{'n/a' if p.weight is None else f'{p.weight:.1f}%'} · source {src}"
            + (f" · problem: {p.problem}" if p.problem else "")
        )
    if v.rates:
        lines.append(rates_line(v))
    for why in v.incomplete:
        lines.append(f"left out of the totals: {why}")
    return "\n".join(lines)
