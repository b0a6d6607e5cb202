"""Selling part of a position: which lots a sale consumes and what P&L it realises.

``fifo`` consumes the oldest lots first; ``average`` takes the same fraction of every lot, which
realises exactly ``quantity x (price - average cost)`` — the average-cost method — while each
lot keeps its own price, date and currency (so nothing else needs a second model). A lot sold
in part becomes a closed part and an open remainder, its fees split by quantity; the sale's fees
are split the same way across the parts it closes. Only lots opened on or before the sale's
date can be sold, and a sale of more than is held is refused unless a short is allowed.
"""

from __future__ import annotations

import dataclasses
import math
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .errors import NaetraError
from .portfolio import MAX_PRICE, MAX_QUANTITY, ClosedLot, Lot

CostMethod = Literal["fifo", "average"]
METHODS: tuple[CostMethod, ...] = ("fifo", "average")
#: A remainder this small (relative to the lot) is rounding, not shares left.
DUST = 1e-9


class InvalidSale(NaetraError, ValueError):
    """A sale that cannot be made (more than held, before the lots, a bad number)."""


@dataclass(frozen=True)
class SalePlan:
    symbol: str
    quantity: float
    price: float
    on: date
    fees: float
    method: CostMethod
    #: The open lots the sale takes from (each is replaced by ``remainders`` and ``closed``).
    consumed: tuple[Lot, ...]
    closed: tuple[ClosedLot, ...]
    remainders: tuple[Lot, ...]
    #: The part sold beyond what was held, as a short lot (only when shorts are allowed).
    short: Lot | None = None

    @property
    def realised(self) -> float:
        """Realised P&L of the sale, in the lots' currency, both sides' fees included."""
        return math.fsum(c.realised for c in self.closed)

    @property
    def cost_basis(self) -> float:
        return math.fsum(c.lot.cost for c in self.closed)


def _part(lot: Lot, quantity: float) -> Lot:
    """``quantity`` of ``lot``, with its share of the fees, under a new id."""
    share = quantity / lot.quantity
    return dataclasses.replace(lot, quantity=quantity, fees=lot.fees * share, id=secrets.token_hex(6))


def _check(quantity: float, price: float, fees: float) -> None:
    if not (math.isfinite(quantity) and 0 < quantity <= MAX_QUANTITY):
        raise InvalidSale(f"quantity: sell a positive number of shares (up to {MAX_QUANTITY:g})")
    if not (math.isfinite(price) and 0 < price <= MAX_PRICE):
        raise InvalidSale("price: a sale's price is a positive number")
    if not (math.isfinite(fees) and 0 <= fees <= MAX_PRICE):
        raise InvalidSale("fees: zero or a positive number")


def plan_sale(
    lots: list[Lot],
    symbol: str,
    quantity: float,
    price: float,
    on: date,
    fees: float = 0.0,
    method: CostMethod = "fifo",
    allow_short: bool = False,
) -> SalePlan:
    """Raises: InvalidSale (what is wrong, and what is held)."""
    _check(quantity, price, fees)
    if method not in METHODS:
        raise InvalidSale(f"cost method '{method}': use fifo or average")
    longs = [lot for lot in lots if lot.symbol == symbol and lot.quantity > 0]
    currencies = {lot.currency for lot in longs}
    if len(currencies) > 1:
        named = ", ".join(sorted(c or "the quote's" for c in currencies))
        raise InvalidSale(f"{symbol}'s lots are in different currencies ({named}): sell them lot by lot")
    sellable = sorted(
        (lot for lot in longs if lot.opened <= on), key=lambda lot: (lot.opened, lot.created_at)
    )
    held = math.fsum(lot.quantity for lot in sellable)
    later = math.fsum(lot.quantity for lot in longs) - held
    if quantity > held * (1 + DUST) and not allow_short:
        when = f" on {on}" if later > 0 else ""
        more = f" ({later:g} more were bought after {on})" if later > 0 else ""
        raise InvalidSale(
            f"cannot sell {quantity:g} {symbol}: {held:g} held{when}{more}; a short sale needs --allow-short"
        )
    selling = min(quantity, held)
    sale_fee_per_share = fees / quantity
    closed: list[ClosedLot] = []
    remainders: list[Lot] = []
    consumed: list[Lot] = []
    if method == "average" and held > 0:
        fraction = selling / held
        takes = [(lot, lot.quantity * fraction) for lot in sellable]
    else:
        takes, left = [], selling
        for lot in sellable:
            if left <= held * DUST:
                break
            take = min(lot.quantity, left)
            takes.append((lot, take))
            left -= take
    for lot, take in takes:
        if take <= lot.quantity * DUST:
            continue
        consumed.append(lot)
        whole = take >= lot.quantity * (1 - DUST)
        sold = lot if whole else _part(lot, take)
        closed.append(ClosedLot(sold, price, on, sale_fee_per_share * sold.quantity))
        if not whole:
            remainders.append(_part(lot, lot.quantity - take))
    short = None
    if quantity > selling * (1 + DUST) and allow_short:
        excess = quantity - selling
        currency = next(iter(currencies)) if currencies else None
        short = Lot(symbol, -excess, price, on, sale_fee_per_share * excess, currency)
    return SalePlan(symbol, quantity, price, on, fees, method, tuple(consumed), tuple(closed),
                    tuple(remainders), short)  # fmt: skip
