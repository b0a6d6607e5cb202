"""The App's part for the portfolio: keep the lots the dialogs give, close and remove them,
and show the positions' values on the watchlist after each refresh."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from textual import work

from ..core.errors import NaetraError
from . import messages

if TYPE_CHECKING:
    from .app import NaetraApp

    _Base = NaetraApp
else:
    _Base = object


class PortfolioActions(_Base):
    """Mixed into ``NaetraApp``."""

    def portfolio_symbols(self) -> list[str]:
        """What a refresh fetches besides the list: the positions' symbols and their FX rates
        (the summary values the whole portfolio, not only the list on screen)."""
        if self.portfolio is None:
            return []
        return sorted({*self.portfolio.symbols(), *self.portfolio.fx_symbols()})

    async def _refresh_portfolio(self, fetched: set[str] | None = None) -> None:
        """Read the lots again (other terminals' too), fetch the rates the refresh did not
        (``fetched``: what it fetched), show the values."""
        if self.portfolio is None:
            return
        try:
            await self.portfolio.load()
            await self.portfolio.refresh_rates(fetched or set())
        except NaetraError as exc:
            self.notify(f"Could not read your positions: {exc}", severity="warning", markup=False, timeout=10)
            return
        self.show_portfolio()

    #: Live ticks redraw the positions at most this often (s): each redraw values every lot.
    TICK_REDRAW = 0.5
    _redraw_due = False

    def portfolio_moved(self) -> None:
        """A held symbol ticked: redraw the positions once for all the ticks of the next moment."""
        if not self._redraw_due:
            self._redraw_due = True
            self.set_timer(self.TICK_REDRAW, self._redraw_positions)

    def _redraw_positions(self) -> None:
        self._redraw_due = False
        self.show_portfolio()

    def show_portfolio(self) -> None:
        if self.portfolio is None:
            return
        value = self.portfolio.value()
        self.main_screen.show_portfolio(value)
        from .screens.lots import LotsScreen

        for screen in self.screen_stack:
            if isinstance(screen, LotsScreen):
                screen.refresh_lots()

    async def _portfolio_edit(self, change: Any, failed: str) -> bool:
        if not await self._state_opened() or self.portfolio is None:
            self.notify(f"{failed}: the portfolio is still starting", severity="warning", markup=False)
            return False
        try:
            await change
        except NaetraError as exc:
            self.notify(f"{failed}: {exc}", severity="error", markup=False, timeout=10)
            from ..services.portfolio.store import LotChanged

            if isinstance(exc, LotChanged):  # show what the other terminal left
                with contextlib.suppress(NaetraError):
                    await self.portfolio.load()
                self.show_portfolio()
            return False
        self.show_portfolio()
        return True

    def on_add_lots(self, message: messages.AddLots) -> None:
        self._add_lots(message.lots)

    @work(group="portfolio", exit_on_error=False)
    async def _add_lots(self, lots: list[Any]) -> None:
        if self.portfolio is None or not await self._portfolio_edit(
            self.portfolio.add(lots), "The lot was not kept"
        ):
            return
        lot = lots[0]
        self.notify(f"Kept a lot of {lot.quantity:g} {lot.symbol} at {lot.price:g}", markup=False, timeout=4)
        if lot.symbol not in self.portfolio.market.rows:
            self.action_refresh()
        else:
            await self._refresh_portfolio(set(self.portfolio.market.rows))  # a new currency's rate

    def on_replace_lot(self, message: messages.ReplaceLot) -> None:
        self._replace_lot(message.old, message.new)

    @work(group="portfolio", exit_on_error=False)
    async def _replace_lot(self, old: Any, new: Any) -> None:
        if self.portfolio is not None and await self._portfolio_edit(
            self.portfolio.replace(old, new), "The lot was not changed"
        ):
            self.notify(
                f"Changed the lot of {new.symbol}: {new.quantity:g} at {new.price:g}", markup=False, timeout=4
            )

    def on_remove_lot(self, message: messages.RemoveLot) -> None:
        self._remove_lot(message.lot)

    @work(group="portfolio", exit_on_error=False)
    async def _remove_lot(self, lot: Any) -> None:
        if self.portfolio is not None and await self._portfolio_edit(
            self.portfolio.remove(lot), "The lot was not removed"
        ):
            self.notify(
                f"Removed the lot of {lot.quantity:g} {lot.symbol} from {lot.opened}", markup=False, timeout=5
            )

    def on_close_lot(self, message: messages.CloseLot) -> None:
        self._close_lot(message.closing)

    @work(group="portfolio", exit_on_error=False)
    async def _close_lot(self, closing: Any) -> None:
        from ..core.currency import main_unit
        from ..services.portfolio.fmt import money

        if self.portfolio is None:
            return
        done: list[Any] = []

        async def close() -> None:
            assert self.portfolio is not None
            done.append(await self.portfolio.close(closing.lot, closing.price, closing.day, closing.fees))

        if await self._portfolio_edit(close(), "The lot was not closed"):
            lot = closing.lot
            row = self.market.rows.get(lot.symbol) if self.market is not None else None
            unit = lot.currency or (row.quote.currency if row is not None and row.quote is not None else None)
            currency, factor = main_unit(unit or "")  # pence are said as pounds
            self.notify(
                f"Closed {lot.quantity:g} {lot.symbol} at {closing.price:g}: realised "
                f"{money(done[0].realised * factor, currency, True)} (against the lot's price, fees in)",
                markup=False,
                timeout=8,
            )
