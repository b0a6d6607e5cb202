"""The watchlist's cells for positions and extended hours, and the portfolio summary line.

Values and P&L are in the base currency (so the columns add up); a position that cannot be
valued says so in its value cell, and the summary says what the totals leave out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from ...core.enums import MarketState
from ...services.portfolio.fmt import money, percent, tidy
from ..formatting import fmt_age, fmt_price, safe
from .watchlist_layout import EXT_WIDTH

if TYPE_CHECKING:
    from ...services.portfolio.valuation import PortfolioValue, PositionValue


def fmt_money(value: float | None, sign: bool = False) -> str:
    value = tidy(value)
    if value is None:
        return "—"
    if abs(value) >= 1e7:
        return f"{value / 1e6:+,.2f}M" if sign else f"{value / 1e6:,.2f}M"
    return f"{value:+,.2f}" if sign else f"{value:,.2f}"


def _coloured(value: float | None, up: str, down: str, text: str) -> Text:
    value = tidy(value)
    colour = up if (value or 0) > 0 else down if (value or 0) < 0 else ""
    return Text(text, style=colour, justify="right")


def position_cells(p: PositionValue | None, up: str, down: str) -> dict[str, Text]:
    """Cells of the position columns: empty for a symbol without lots."""
    if p is None or not p.lots:
        return {k: Text("") for k in ("qty", "value", "dpnl", "pnl", "pnlpct", "weight")}
    qty = (
        f"{p.quantity:,.0f}"
        if p.quantity == int(p.quantity) and abs(p.quantity) < 1e9
        else f"{p.quantity:.4g}"
    )
    if p.value_base is None:  # no price or no rate: said, never a made-up figure
        value = Text("n/a", style="dim italic", justify="right")
    else:
        value = Text(fmt_money(p.value_base), justify="right")
    pct = "—" if p.total_pct is None or p.total_pnl_base is None else percent(p.total_pct)
    return {
        "qty": Text(qty, justify="right"),
        "value": value,
        "dpnl": _coloured(p.day_pnl_base, up, down, fmt_money(p.day_pnl_base, sign=True)),
        "pnl": _coloured(p.total_pnl_base, up, down, fmt_money(p.total_pnl_base, sign=True)),
        "pnlpct": _coloured(p.total_pnl_base, up, down, pct),
        "weight": Text("—" if p.weight is None else f"{p.weight:.1f}%", justify="right"),
    }


def extended_cell(quote: Any, up: str, down: str) -> Text:
    """``POST 231.20 +0.48%`` beside the regular close, or empty outside extended hours."""
    if quote is None or not quote.extended:
        return Text("")
    change = quote.extended_change or 0.0
    pct = change / quote.price * 100 if quote.price else 0.0
    mark = "PRE" if quote.market_state is MarketState.PRE else "POST"
    figures = f"{fmt_price(quote.extended_price)} {pct:+.1f}%"
    # the figures are never cut: the mark gives way first (the Mkt column says PRE or POST too)
    text = Text(f"{mark} ", style="bold") if len(mark) + 1 + len(figures) <= EXT_WIDTH else Text()
    text.append(figures, style=up if change > 0 else down if change < 0 else "")
    return text


def summary_text(
    v: PortfolioValue, up: str, down: str, warn: str = "yellow", name: str | None = None
) -> Text:
    """One line under the watchlist: the whole portfolio in the base currency, the FX rates
    with their source and age (STALE when old), and INCOMPLETE with the first reason. ``name``:
    the portfolio shown, said when there are several."""
    open_count = sum(1 for p in v.positions if p.lots)
    text = Text(f"Portfolio {name} · " if name else "Portfolio ", style="bold")
    text.append(
        f"{open_count} position{'s' if open_count != 1 else ''} · value {money(v.value, v.base)} · day "
    )
    day, total = tidy(v.day_pnl) or 0.0, tidy(v.total_pnl) or 0.0
    text.append(money(v.day_pnl, v.base, True), style=up if day > 0 else down if day < 0 else "")
    text.append(" · total ")
    pct = f" ({percent(v.total_pct)})" if v.total_pct is not None else ""
    text.append(money(v.total_pnl, v.base, True) + pct, style=up if total > 0 else down if total < 0 else "")
    if v.realised:
        text.append(f" · realised {money(v.realised, v.base, True)}")
    text.append(" · average cost", style="dim")
    for rate in v.rates:
        src = "simulated" if rate.simulated else rate.source
        text.append(f" · {rate.symbol} {rate.rate:.4f} {src} {fmt_age(rate.age_seconds)}", style="dim")
        if rate.stale:
            text.append(" STALE", style=f"bold {down}")
    prices = {p.basis for p in v.positions if p.lots and p.basis and p.basis != "last"}
    if prices:
        text.append(" · P&L at " + ", ".join(sorted(prices)) + " prices", style="dim")
    if v.incomplete:
        more = f" (+{len(v.incomplete) - 1} more)" if len(v.incomplete) > 1 else ""
        text.append(" · INCOMPLETE: ", style=f"bold {warn}")
        text.append_text(safe(v.incomplete[0] + more, warn))
    return text
