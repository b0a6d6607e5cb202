"""Positions valued from their lots, the latest quotes and FX rates: pure arithmetic, no I/O,
so every figure can be checked against a hand computation.

* Quantity, cost and average cost are per symbol over its open lots (average-cost basis: the
  open lots' cost, fees included, over their quantity). A short is a negative quantity: its
  value is negative and it gains as the price falls.
* Total P&L = quantity x price - cost. Day P&L is against the previous close, except for lots
  opened today (against what was paid) and before the open (against the regular close).
* Prices in a minor unit (``GBp``) are turned into the main unit (``GBP``) first; values then
  go into the base currency with an FX rate. A missing price or rate never becomes a silently
  wrong total: the position keeps its own-currency figures and the total is marked incomplete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ...core.currency import main_unit
from ...core.enums import MarketState
from ...core.models import Quote
from ...core.portfolio import ClosedLot, Lot


@dataclass(frozen=True)
class FxRate:
    """One unit of ``currency`` is ``rate`` units of the base currency."""

    currency: str
    rate: float
    symbol: str  # what it was quoted under (EURUSD=X, or USDJPY=X inverted)
    source: str
    simulated: bool = False
    age_seconds: float = 0.0
    stale: bool = False

    @property
    def label(self) -> str:
        src = "simulated" if self.simulated else self.source
        return f"{self.symbol} {self.rate:.4f} ({src})"


@dataclass(frozen=True)
class Priced:
    """A quote as a position reads it: in the main currency unit, with the price in force."""

    quote: Quote
    stale: bool = False

    @property
    def currency(self) -> str:
        return main_unit(self.quote.currency or "USD")[0]

    @property
    def factor(self) -> float:
        return main_unit(self.quote.currency or "USD")[1]

    @property
    def price(self) -> float:
        q = self.quote
        return (q.extended_price if q.extended and q.extended_price is not None else q.price) * self.factor

    @property
    def basis(self) -> str:
        """Which price the P&L used."""
        q = self.quote
        if q.extended:
            return "pre-market" if q.market_state is MarketState.PRE else "post-market"
        return "regular close" if q.market_state in (MarketState.CLOSED, MarketState.POST) else "last"

    @property
    def day_reference(self) -> float | None:
        """What today's P&L is measured from: before the open, the last regular close."""
        q = self.quote
        if q.market_state is MarketState.PRE and q.extended:
            return q.price * self.factor
        return q.previous_close * self.factor if q.previous_close is not None else None


@dataclass
class PositionValue:
    """One symbol's open lots, valued. ``None`` figures could not be computed: ``problem``."""

    symbol: str
    lots: list[Lot]
    currency: str | None  # the position's currency (the quote's, in its main unit)
    quantity: float
    cost: float | None  # fees included; in ``currency``
    price: float | None = None
    basis: str = ""
    value: float | None = None
    day_pnl: float | None = None
    total_pnl: float | None = None
    total_pct: float | None = None
    realised: float = 0.0
    fx: FxRate | None = None
    value_base: float | None = None
    day_pnl_base: float | None = None
    total_pnl_base: float | None = None
    realised_base: float | None = None
    weight: float | None = None
    problem: str | None = None
    quote: Quote | None = None
    stale: bool = False

    @property
    def average_cost(self) -> float | None:
        return self.cost / self.quantity if self.cost is not None and self.quantity else None


@dataclass
class PortfolioValue:
    base: str
    positions: list[PositionValue]
    value: float = 0.0
    day_pnl: float = 0.0
    total_pnl: float = 0.0
    realised: float = 0.0
    cost: float = 0.0  # the open positions' cost, gross (shorts counted by size): what % P&L is of
    #: Why the totals leave something out (a price or a rate missing); empty: complete.
    incomplete: list[str] = field(default_factory=list)
    rates: list[FxRate] = field(default_factory=list)

    @property
    def total_pct(self) -> float | None:
        return self.total_pnl / abs(self.cost) * 100 if self.cost else None

    def position(self, symbol: str) -> PositionValue | None:
        return next((p for p in self.positions if p.symbol == symbol), None)


def _lot_cost(
    lot: Lot, currency: str, quote_unit: str, rates: Mapping[str, FxRate | str], base: str
) -> float | None:
    """A lot's cost in the position's currency: a lot without a currency is in the quote's unit
    (pence for a GBp quote); GBP paid for a GBp quote is taken as it is; another currency is
    converted at today's rate through the base currency."""
    lot_ccy, factor = main_unit(lot.currency or quote_unit)
    cost = lot.quantity * lot.price * factor + lot.fees * factor
    if lot_ccy == currency:
        return cost
    to_base = 1.0 if lot_ccy == base else _rate(rates, lot_ccy)
    from_base = 1.0 if currency == base else _rate(rates, currency)
    return cost * to_base / from_base if to_base and from_base else None


def _rate(rates: Mapping[str, FxRate | str], currency: str) -> float | None:
    found = rates.get(currency)
    return found.rate if isinstance(found, FxRate) else None


def _day_start(lot: Lot, priced: Priced, today: date) -> float:
    """The price a lot's day P&L starts from: what was paid for a lot opened today (in the
    quote's currency), else the day's reference price."""
    unit = lot.currency or priced.quote.currency or "USD"
    if lot.opened == today and main_unit(unit)[0] == priced.currency:
        return lot.price * main_unit(unit)[1]
    return priced.day_reference or 0.0


def value_position(
    symbol: str,
    lots: list[Lot],
    closed: Iterable[ClosedLot],
    priced: Priced | None,
    problem: str | None,
    rates: Mapping[str, FxRate | str],
    base: str,
    today: date,
) -> PositionValue:
    quantity = sum(lot.quantity for lot in lots)
    currency = (
        priced.currency if priced else (main_unit(lots[0].currency)[0] if lots and lots[0].currency else None)
    )
    position = PositionValue(symbol, lots, currency, quantity, None, problem=problem)
    if currency is None:
        return position
    quote_unit = (priced.quote.currency or "USD") if priced else currency
    costs = [_lot_cost(lot, currency, quote_unit, rates, base) for lot in lots]
    position.cost = None if any(c is None for c in costs) else sum(c for c in costs if c is not None)
    position.realised = float(sum(c.realised * main_unit(c.lot.currency or quote_unit)[1] for c in closed))
    fx = None if currency == base else rates.get(currency)
    if isinstance(fx, str):
        position.problem = position.problem or fx
    rate = 1.0 if currency == base else (fx.rate if isinstance(fx, FxRate) else None)
    position.fx = fx if isinstance(fx, FxRate) else None
    position.realised_base = position.realised * rate if rate is not None else None
    if priced is None:
        return position
    position.quote, position.stale = priced.quote, priced.stale
    position.price, position.basis = priced.price, priced.basis
    position.value = quantity * priced.price
    if position.cost is not None:
        position.total_pnl = position.value - position.cost
        position.total_pct = position.total_pnl / abs(position.cost) * 100 if position.cost else None
    if priced.day_reference is not None:
        position.day_pnl = sum(lot.quantity * (priced.price - _day_start(lot, priced, today)) for lot in lots)
    if rate is not None:
        position.value_base = position.value * rate
        position.day_pnl_base = position.day_pnl * rate if position.day_pnl is not None else None
        position.total_pnl_base = position.total_pnl * rate if position.total_pnl is not None else None
    return position


def value_portfolio(
    lots: Iterable[Lot],
    closed: Iterable[ClosedLot],
    quotes: Mapping[str, Priced | str],
    rates: Mapping[str, FxRate | str],
    base: str,
    today: date,
) -> PortfolioValue:
    """Every symbol's position and the totals in ``base``.

    ``quotes``: per symbol, its price, or why there is none. ``rates``: per currency, its rate
    into ``base``, or why there is none.
    """
    by_symbol: dict[str, list[Lot]] = {}
    for lot in lots:
        by_symbol.setdefault(lot.symbol, []).append(lot)
    closed_by: dict[str, list[ClosedLot]] = {}
    for c in closed:
        closed_by.setdefault(c.lot.symbol, []).append(c)
    result = PortfolioValue(base, [])
    for symbol in sorted(by_symbol.keys() | closed_by.keys()):
        found = quotes.get(symbol)
        priced = found if isinstance(found, Priced) else None
        problem = None if priced else (found if isinstance(found, str) else "no price yet")
        position = value_position(
            symbol, by_symbol.get(symbol, []), closed_by.get(symbol, []), priced, problem, rates, base, today
        )
        result.positions.append(position)
    _totals(result)
    return result


def _totals(result: PortfolioValue) -> None:
    gross = 0.0
    seen_rates: dict[str, FxRate] = {}
    for p in result.positions:
        if p.fx is not None:
            seen_rates[p.fx.currency] = p.fx
        if p.realised_base is not None:
            result.realised += p.realised_base
        elif p.realised:
            result.incomplete.append(f"{p.symbol}: realised P&L left out ({p.problem or 'no FX rate'})")
        if not p.lots:
            continue  # only closed lots: nothing open to value
        if p.value_base is None or p.total_pnl_base is None:
            result.incomplete.append(f"{p.symbol}: {p.problem or 'no value'}")
            continue
        result.value += p.value_base
        result.total_pnl += p.total_pnl_base
        result.cost += abs(p.value_base - p.total_pnl_base)  # gross: a short's cost is not netted off
        if p.day_pnl_base is not None:
            result.day_pnl += p.day_pnl_base
        else:
            result.incomplete.append(f"{p.symbol}: no previous close for the day's P&L")
        gross += abs(p.value_base)
    for p in result.positions:
        if p.value_base is not None and gross and p.lots:
            p.weight = abs(p.value_base) / gross * 100
    result.rates = sorted(seen_rates.values(), key=lambda r: r.currency)
