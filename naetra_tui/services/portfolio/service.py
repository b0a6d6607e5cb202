"""The portfolio as the screen, the CLI and the chat see it: lots from storage, prices and FX
rates from the collectors (through the market service, so failover and staleness apply), and
the valuation of :mod:`.valuation`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from ...core.clock import today as clock_today
from ...core.currency import ISO_CODES, InvalidCurrency, check_currency, fx_symbol, main_unit
from ...core.portfolio import DEFAULT_PORTFOLIO, ClosedLot, Lot, check_portfolio_name
from ...core.sales import CostMethod, InvalidSale, SalePlan, plan_sale
from ...core.symbols import normalize_symbol
from ...core.text import clean_line
from .store import PortfolioStore
from .valuation import FxRate, PortfolioValue, Priced, value_portfolio

if TYPE_CHECKING:
    from ..market import MarketService, QuoteRow


def fx_candidates(currency: str, base: str) -> tuple[str, str]:
    """The direct symbol (EURUSD=X: one EUR in USD) and its inverse (USDEUR=X)."""
    return fx_symbol(currency, base), fx_symbol(base, currency)


class PortfolioService:
    def __init__(
        self,
        store: PortfolioStore,
        market: MarketService,
        base: str = "USD",
        cost_method: CostMethod = "fifo",
    ) -> None:
        self.store = store
        self.cost_method: CostMethod = cost_method
        self.market = market
        self.base = main_unit(base)[0]
        self.all_lots: list[Lot] = []
        self.all_closed: list[ClosedLot] = []
        #: The portfolio shown, added to and sold from; None: all of them together.
        self.current: str | None = DEFAULT_PORTFOLIO
        self._units: dict[str, str] = {}  # each held symbol's quote currency, as first seen

    async def load(self) -> None:
        """Read the lots again (other terminals may have added or closed some)."""
        self.all_lots = await self.store.lots()
        self.all_closed = await self.store.closed()

    def _in_view(self, lot: Lot) -> bool:
        return self.current is None or lot.portfolio == self.current

    @property
    def lots(self) -> list[Lot]:
        """The open lots of the current portfolio (of all, when it is None)."""
        return [lot for lot in self.all_lots if self._in_view(lot)]

    @property
    def closed(self) -> list[ClosedLot]:
        return [c for c in self.all_closed if self._in_view(c.lot)]

    def portfolios(self) -> list[str]:
        """Every portfolio with lots, open or closed, and the current one (Main first)."""
        names = {lot.portfolio for lot in self.all_lots} | {c.lot.portfolio for c in self.all_closed}
        names |= {DEFAULT_PORTFOLIO} | ({self.current} if self.current else set())
        return sorted(names, key=lambda n: (n != DEFAULT_PORTFOLIO, n.lower()))

    def switch(self, name: str | None) -> str | None:
        """Show ``name`` (None or 'all': every portfolio together). Raises: InvalidLot (a bad name)."""
        self.current = None if name is None or name.strip().lower() == "all" else check_portfolio_name(name)
        return self.current

    def symbols(self) -> list[str]:
        return sorted({lot.symbol for lot in self.lots})

    def symbols_held(self) -> set[str]:
        """Symbols whose price moves the valuation: open lots' and the FX rates'."""
        held = {lot.symbol for lot in self.lots}
        for currency in self.currencies():
            held.update(fx_candidates(currency, self.base))
        return held

    def currencies(self) -> set[str]:
        """Every currency a position or a lot is in (main units), known from the quotes so far."""
        found = {
            main_unit(lot.currency)[0] for lot in self.lots + [c.lot for c in self.closed] if lot.currency
        }
        for symbol in {lot.symbol for lot in self.lots} | {c.lot.symbol for c in self.closed}:
            row = self.market.rows.get(symbol)
            if row is not None and row.quote is not None and row.quote.currency:
                found.add(main_unit(row.quote.currency)[0])
        return found - {self.base}

    def fx_symbols(self) -> list[str]:
        """The FX symbols a refresh should fetch for the rates in use (direct ones).
        (A currency that is no ISO code has none.)"""
        return sorted(fx_candidates(c, self.base)[0] for c in self.currencies() if c in ISO_CODES)

    async def refresh(self, extra: Iterable[str] = ()) -> PortfolioValue:
        """Fetch prices for the positions (and ``extra`` symbols), then the FX rates they need."""
        wanted = sorted(set(self.symbols()) | {c.lot.symbol for c in self.closed} | set(extra))
        if wanted:
            await self.market.refresh(wanted)
        await self.pin_stored()  # once per old lot: its quote's currency recorded
        await self.refresh_rates(fetched=set())
        return self.value()

    async def refresh_rates(self, fetched: set[str]) -> None:
        """Fetch the rates not in ``fetched`` (symbols a refresh just fetched): each direct
        symbol, then the inverse (USDJPY=X) of those the source does not have."""
        tradable = sorted(c for c in self.currencies() if c in ISO_CODES)  # a source's odd code: no lookup
        direct = [fx_candidates(c, self.base)[0] for c in tradable]
        todo = [s for s in direct if s not in fetched]
        if todo:
            await self.market.refresh(todo)
        inverse = [
            fx_candidates(c, self.base)[1] for c in tradable if not self._has(fx_candidates(c, self.base)[0])
        ]
        if inverse:
            await self.market.refresh(inverse)

    def _has(self, symbol: str) -> bool:
        row = self.market.rows.get(symbol)
        return row is not None and row.quote is not None

    def rate(self, currency: str) -> FxRate | str:
        """One ``currency`` in the base currency, from the rows fetched so far, or why not."""
        if currency not in ISO_CODES:  # remote text: a quote's currency the source made up
            return f"the quote's currency '{clean_line(currency)[:12]}' is not a currency code: no rate"
        direct, inverse = fx_candidates(currency, self.base)
        for symbol, invert in ((direct, False), (inverse, True)):
            row: QuoteRow | None = self.market.rows.get(symbol)
            if row is None or row.quote is None or row.quote.price <= 0:
                continue
            q = row.quote
            return FxRate(currency, 1 / q.price if invert else q.price, symbol, q.source, q.simulated,
                          q.age_seconds(), row.stale)  # fmt: skip
        row = self.market.rows.get(direct)
        why = row.error if row is not None and row.error else "not fetched yet"
        return f"no {currency}→{self.base} rate ({direct}: {why})"

    def value(self, today: date | None = None) -> PortfolioValue:
        """The valuation from what is in memory: no I/O (a refresh of the screen calls this)."""
        quotes: dict[str, Priced | str] = {}
        for symbol in {lot.symbol for lot in self.lots} | {c.lot.symbol for c in self.closed}:
            row = self.market.rows.get(symbol)
            if row is not None and row.quote is not None:
                quotes[symbol] = self._priced(row)
            elif row is not None:
                quotes[symbol] = f"price unavailable: {row.error or 'no quote'}"
        rates = {c: self.rate(c) for c in self.currencies()}
        return value_portfolio(self.lots, self.closed, quotes, rates, self.base, today or clock_today())

    def _priced(self, row: QuoteRow) -> Priced | str:
        """The quote to value a position with, or why it cannot be: a quote without a currency
        is never taken as USD, and a symbol whose currency or unit changes between quotes (USD
        today, GBp tomorrow) is flagged, not converted, until the process starts again."""
        quote = row.quote
        assert quote is not None
        source = "the simulated feed" if quote.simulated else clean_line(quote.source)[:40]
        if not quote.currency:
            return f"{source} gave no currency for {quote.symbol}: not valued"
        first = self._units.setdefault(quote.symbol, quote.currency)
        if first != quote.currency:
            now = clean_line(quote.currency)[:12]
            return (
                f"the quote's currency changed from {first} to {now} ({source}): not valued, "
                "as a lot's cost in one cannot be read in the other; restart once the source is right"
            )
        return Priced(quote, row.stale)

    # --- edits ----------------------------------------------------------------------------

    async def add(self, lots: list[Lot]) -> None:
        """Store lots; one without a currency is pinned to its quote's currency now, so its cost
        keeps its meaning if the source later quotes the symbol in another currency or unit
        (USD today, GBp tomorrow: converted, or flagged, never read in the wrong unit)."""
        target = self.current or DEFAULT_PORTFOLIO  # with all shown, a new lot goes to Main
        lots = [dataclasses.replace(lot, portfolio=target) for lot in await self._pinned(lots)]
        await self.store.add(lots)
        self.all_lots.extend(lots)

    async def _pinned(self, lots: list[Lot]) -> list[Lot]:
        loose = sorted({lot.symbol for lot in lots if lot.currency is None})
        if not loose:
            return lots
        missing = [s for s in loose if (row := self.market.rows.get(s)) is None or row.quote is None]
        if missing:
            await self.market.refresh(missing)  # a lot added from the CLI: no quote read yet
        units = {}
        for symbol in loose:
            row = self.market.rows.get(symbol)
            if row is not None and row.quote is not None and row.quote.currency:
                try:  # a code the lot records accept, or no pin (the in-memory check remains)
                    units[symbol] = check_currency(row.quote.currency)
                except InvalidCurrency:
                    continue
        return [
            dataclasses.replace(lot, currency=units[lot.symbol])
            if lot.currency is None and lot.symbol in units
            else lot
            for lot in lots
        ]

    async def pin_stored(self) -> int:
        """Lots stored before currencies were recorded at entry get their quote's currency now,
        as first seen (a later change of the quote's unit is then flagged, never converted, in
        every later session too); how many were pinned. A lot another terminal changed
        meanwhile is left to the next read; a storage that refuses keeps the change pending."""
        from ...core.errors import NaetraError

        loose = [lot for lot in self.all_lots if lot.currency is None]
        if not loose:
            return 0
        pinned = 0
        for old, new in zip(loose, await self._pinned(loose), strict=True):
            if new.currency is None:
                continue
            try:
                await self.replace(old, new)
            except NaetraError:  # LotChanged or a refused write: tried again at the next read
                continue
            pinned += 1
        return pinned

    async def remove(self, lot: Lot) -> None:
        await self.store.remove(lot)
        self.all_lots = [lt for lt in self.all_lots if lt.id != lot.id]

    async def close(self, lot: Lot, price: float, closed_on: date, fees: float = 0.0) -> ClosedLot:
        done = await self.store.close(lot, price, closed_on, fees)
        self.all_lots = [lt for lt in self.all_lots if lt.id != lot.id]
        self.all_closed.append(done)
        return done

    async def sell(
        self,
        symbol: str,
        quantity: float,
        price: float,
        on: date | None = None,
        fees: float = 0.0,
        method: CostMethod | None = None,
        allow_short: bool = False,
    ) -> SalePlan:
        """Sell part (or all) of a position from the lots as stored now (another terminal's
        too), by ``method`` (default: the config's ``portfolio.cost_method``).

        Raises: InvalidSale, InvalidSymbol, LotChanged (another terminal sold first: nothing
        written), StorageError."""
        symbol = normalize_symbol(symbol)
        if self.current is None:
            raise InvalidSale("choose the portfolio to sell from (all of them are shown now)")
        await self.load()
        plan = plan_sale(self.lots, symbol, quantity, price, on or clock_today(), fees,
                         method or self.cost_method, allow_short)  # fmt: skip
        try:
            await self.store.sell(plan)
        finally:
            await self.load()
        return plan

    async def replace(self, old: Lot, new: Lot) -> Lot:
        """An edited lot stays in its portfolio."""
        fresh = await self.store.replace(old, dataclasses.replace(new, portfolio=old.portfolio))
        self.all_lots = [fresh if lt.id == old.id else lt for lt in self.all_lots]
        return fresh
