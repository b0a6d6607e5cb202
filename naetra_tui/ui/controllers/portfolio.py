"""Positions on screen: keep the lots the dialogs give, close and remove them, and show their
values on the watchlist after each refresh and, at most twice a second, after live ticks."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from ...core.errors import NaetraError
from ...services.session import Phase
from .base import Controller

if TYPE_CHECKING:
    from ...core.portfolio import ClosedLot, Lot
    from ...core.sales import CostMethod, SalePlan
    from ...services.portfolio.service import PortfolioService
    from ..screens.lot_dialogs import Closing, Selling

#: Live ticks redraw the positions at most this often (s): each redraw values every lot.
TICK_REDRAW = 0.5


class PortfolioController(Controller):
    """The portfolio service's face on the watchlist and the lots screen."""

    _redraw_due = False

    def service(self) -> PortfolioService | None:
        """None until the market phase has built it (the first frame comes before)."""
        session = self.app.session
        return session.portfolio if session is not None and session.has(Phase.MARKET) else None

    def symbols_to_fetch(self) -> list[str]:
        """What a refresh fetches besides the list: the positions' symbols and their FX rates
        (the summary values the whole portfolio, not only the list on screen)."""
        service = self.service()
        if service is None:
            return []
        return sorted({*service.symbols(), *service.fx_symbols()})

    async def refresh(self, fetched: set[str] | None = None) -> None:
        """Read the lots again (other terminals' too), fetch the rates the refresh did not
        (``fetched``: what it fetched), show the values."""
        service = self.service()
        if service is None:
            return
        try:
            await service.load()
            pinned = await service.pin_stored()
            await service.refresh_rates(fetched or set())
        except NaetraError as exc:
            self.app.notify(
                f"Could not read your positions: {exc}", severity="warning", markup=False, timeout=10
            )
            return
        if pinned:
            self.app.notify(
                f"Recorded the quote's currency on {pinned} lot{'s' if pinned != 1 else ''} stored without one "
                "(a later change of its unit is flagged, never converted).",
                markup=False,
                timeout=8,
            )
        self.show()

    def ticked(self, symbols: Iterable[str]) -> None:
        """Live ticks: a held symbol moved, so its P&L and the totals follow — redrawn once
        for all the ticks of the next moment."""
        service = self.service()
        if service is None or service.symbols_held().isdisjoint(symbols) or self._redraw_due:
            return
        self._redraw_due = True
        self.app.set_timer(TICK_REDRAW, self._redraw)

    def _redraw(self) -> None:
        self._redraw_due = False
        self.show()

    def show(self) -> None:
        service = self.service()
        if service is None:
            return
        self.app.main_screen.show_portfolio(service.value())
        from ..screens.lots import LotsScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, LotsScreen):
                screen.refresh_lots()

    async def _edit(self, failed: str, change: Callable[[PortfolioService], Awaitable[object]]) -> bool:
        """Make one change to the lots; False after saying why it was not made."""
        service = self.service()
        if await self.app.startup.storage_open() is None or service is None:
            self.app.notify(f"{failed}: the portfolio is still starting", severity="warning", markup=False)
            return False
        try:
            await change(service)
        except NaetraError as exc:
            self.app.notify(f"{failed}: {exc}", severity="error", markup=False, timeout=10)
            from ...services.portfolio.store import LotChanged

            if isinstance(exc, LotChanged):  # show what the other terminal left
                with contextlib.suppress(NaetraError):
                    await service.load()
                self.show()
            return False
        self.show()
        return True

    def add(self, lots: list[Lot]) -> None:
        self.run("portfolio", self._add, lots)

    async def _add(self, lots: list[Lot]) -> None:
        if not await self._edit("The lot was not kept", lambda service: service.add(lots)):
            return
        lot = lots[0]
        self.app.notify(
            f"Kept a lot of {lot.quantity:g} {lot.symbol} at {lot.price:g}", markup=False, timeout=4
        )
        rows = self.app.opened_session(Phase.MARKET).market.rows
        if lot.symbol not in rows:
            self.app.action_refresh()
        else:
            await self.refresh(set(rows))  # a new currency's rate

    def replace(self, old: Lot, new: Lot) -> None:
        self.run("portfolio", self._replace, old, new)

    async def _replace(self, old: Lot, new: Lot) -> None:
        if await self._edit("The lot was not changed", lambda service: service.replace(old, new)):
            self.app.notify(
                f"Changed the lot of {new.symbol}: {new.quantity:g} at {new.price:g}", markup=False, timeout=4
            )

    def switch(self, name: str) -> None:
        self.run("portfolio", self._switch, name)

    async def _switch(self, name: str) -> None:
        service = self.service()
        if service is None:
            return
        shown = service.switch(name)
        await self.succeeded(self.app.opened_session(Phase.MARKET).state.set_setting("active_portfolio", shown or "all"),
                             "the portfolio shown was not remembered")  # fmt: skip
        self.app.notify(f"Portfolio: {shown or 'all together'}", markup=False, timeout=3)
        rows = self.app.opened_session(Phase.MARKET).market.rows
        if set(service.symbols()) - set(rows):
            self.app.action_refresh()
        else:
            self.show()

    def sell(self, selling: Selling) -> None:
        self.run("portfolio", self._sell, selling)

    async def _sell(self, selling: Selling) -> None:
        from ...core.currency import main_unit
        from ...services.portfolio.fmt import money

        done: list[SalePlan] = []

        async def sell(service: PortfolioService) -> None:
            method: CostMethod = "average" if selling.method == "average" else "fifo"
            sold = await service.sell(
                selling.symbol, selling.quantity, selling.price, selling.day, selling.fees, method
            )
            done.append(sold)

        if await self._edit("Not sold", sell):
            plan = done[0]
            row = self.app.opened_session(Phase.MARKET).market.rows.get(plan.symbol)
            lot_unit = plan.closed[0].lot.currency if plan.closed else None
            unit = lot_unit or (row.quote.currency if row is not None and row.quote is not None else None)
            currency, factor = main_unit(unit or "")  # pence are said as pounds
            self.app.notify(
                f"Sold {plan.quantity:g} {plan.symbol} at {plan.price:g} ({plan.method}, {len(plan.closed)} "
                f"lot{'s' if len(plan.closed) != 1 else ''}): realised {money(plan.realised * factor, currency, True)}",
                markup=False,
                timeout=8,
            )

    def remove(self, lot: Lot) -> None:
        self.run("portfolio", self._remove, lot)

    async def _remove(self, lot: Lot) -> None:
        if await self._edit("The lot was not removed", lambda service: service.remove(lot)):
            self.app.notify(
                f"Removed the lot of {lot.quantity:g} {lot.symbol} from {lot.opened}", markup=False, timeout=5
            )

    def close(self, closing: Closing) -> None:
        self.run("portfolio", self._close, closing)

    async def _close(self, closing: Closing) -> None:
        from ...core.currency import main_unit
        from ...services.portfolio.fmt import money

        done: list[ClosedLot] = []

        async def close(service: PortfolioService) -> None:
            done.append(await service.close(closing.lot, closing.price, closing.day, closing.fees))

        if await self._edit("The lot was not closed", close):
            lot = closing.lot
            row = self.app.opened_session(Phase.MARKET).market.rows.get(lot.symbol)
            unit = lot.currency or (row.quote.currency if row is not None and row.quote is not None else None)
            currency, factor = main_unit(unit or "")  # pence are said as pounds
            self.app.notify(
                f"Closed {lot.quantity:g} {lot.symbol} at {closing.price:g}: realised "
                f"{money(done[0].realised * factor, currency, True)} (against the lot's price, fees in)",
                markup=False,
                timeout=8,
            )
