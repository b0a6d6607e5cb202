"""The App's part for the watchlist on screen and its messages: reading the list (and other
terminals' edits), live ticks and sparklines, and the edit and alert messages (ask in a dialog,
let the service act, say what happened). The work itself is in ``services.watchlists``,
``services.alerts`` and ``services.market``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from textual import work

from ..core.errors import NaetraError
from . import messages
from .screens.dialogs import add_symbol_dialog, alert_dialog, new_list_dialog, switch_list_dialog

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ..services.market import QuoteRow
    from .app import NaetraApp

    _Base = NaetraApp
else:
    _Base = object


class WatchlistActions(_Base):
    """Mixed into ``NaetraApp``; every worker here reports its failure in a notification."""

    #: Changes proposed by agents over MCP that wait for the user (counted after each refresh).
    pending_proposals: int = 0

    # --- the list on screen ---------------------------------------------------------------

    async def _load_watchlist(self) -> None:
        assert self.state is not None
        self._watchlist_loads += 1
        ticket = self._watchlist_loads
        symbols = await self.state.watchlist(self.watchlist_name)
        for key, why in self.state.take_skipped().items():
            self.notify(
                f"Skipped a malformed record in storage: {key} ({why}). The rest of the list is shown.",
                severity="warning",
                markup=False,
                timeout=15,
            )
        if ticket != self._watchlist_loads:
            return  # a later read (after an edit, or of another list) was asked for: it decides
        self.symbols = symbols
        self.title = f"naetra-tui · {self.watchlist_name}"
        if symbols != self.main_screen.table.symbols:
            self.main_screen.show_symbols(symbols)

    async def _pick_up_other_terminals_edits(self) -> None:
        """Several terminals may share one storage (a team's PostgreSQL): lists another one
        created, and symbols it added or removed, show up at the next refresh. Two key
        listings; the full, ordered read only when the members differ."""
        assert self.state is not None
        try:
            self.watchlist_names = await self.state.watchlist_names()
            if await self.state.watchlist_members(self.watchlist_name) != set(self.symbols):
                await self._load_watchlist()
        except NaetraError as exc:  # storage down: refresh the symbols on screen, as before
            log.info("watchlist not re-read: %s", exc)

    def _streamed(self, rows: dict[str, QuoteRow]) -> None:
        """Live ticks (batched by the service): the changed cells only, cursor untouched."""
        self.rows.update(rows)
        self.main_screen.show_ticks(rows)
        if self.portfolio is not None and not self.portfolio.symbols_held().isdisjoint(rows):
            self.portfolio_moved()  # a held symbol moved: its P&L and the totals follow
        self._status()

    @work(group="sparks", exit_on_error=False)
    async def _load_sparks(self, symbols: list[str]) -> None:
        assert self.market is not None
        try:
            for symbol in symbols:
                try:
                    history = await self.market.history(symbol, "1D", "1M")
                    self.sparks[symbol] = history.close[-12:].tolist()
                except NaetraError:
                    self.sparks[symbol] = []
                self._sparks_loaded.add(symbol)
                self._sparks_loading.discard(symbol)
        finally:
            self._sparks_loading.difference_update(symbols)  # cancelled: the next refresh retries
        self.main_screen.show_rows({}, self.sparks)
        self._save_snapshot()  # the next start paints the sparklines too

    # --- watchlist edits ------------------------------------------------------------------

    def on_add_symbol(self, message: messages.AddSymbol) -> None:
        if message.text is None:  # from the palette: ask first
            self.push_screen(add_symbol_dialog(self.symbols), self._added)
        else:
            self._added(message.text)

    @work(group="edit", exit_on_error=False)
    async def _added(self, text: str | None) -> None:
        """One symbol or several (``AMD, INTC TSLA``): the valid ones are added, the others
        listed with the reason."""
        from ..services.watchlists import split_symbols

        if not text or not await self._state_opened():
            return
        assert self.editor is not None
        good, bad = split_symbols(text, list(self.symbols))
        added = []
        for token in good:
            symbol = await self._edit(self.editor.add(token), f"{token} was not added")
            if symbol is not None:
                added.append(symbol)
        if added:
            await self._load_watchlist()
            self.action_refresh()
        said = f"Added {', '.join(added)}" if added else "Nothing was added"
        if bad:
            said += "; not added: " + "; ".join(f"{token} ({why})" for token, why in bad)
        self.notify(said, markup=False, timeout=8 if bad else 3, severity="warning" if bad else "information")

    def on_remove_symbol(self, message: messages.RemoveSymbol) -> None:
        self._remove(message.symbol)

    @work(group="edit", exit_on_error=False)
    async def _remove(self, symbol: str) -> None:
        if not await self._state_opened():
            return
        assert self.editor is not None
        if await self._edit(self.editor.remove(symbol), f"{symbol} was not removed") is None:
            return
        await self._load_watchlist()
        self.notify(f"Removed {symbol} — press u to undo", markup=False, timeout=5)

    def on_undo_remove(self, message: messages.UndoRemove) -> None:
        self._undo()

    @work(group="edit", exit_on_error=False)
    async def _undo(self) -> None:
        if self.editor is None or not self.editor.undo_stack:
            self.notify("Nothing to undo", markup=False, timeout=2)
            return
        symbol = await self._edit(self.editor.undo(), "the undo did not happen")
        if symbol is None:
            return
        await self._load_watchlist()
        self.notify(f"Restored {symbol}", markup=False, timeout=3)
        self.action_refresh()

    def on_move_symbol(self, message: messages.MoveSymbol) -> None:
        self._move(message.symbol, message.offset)

    @work(group="edit", exit_on_error=False)
    async def _move(self, symbol: str, offset: int) -> None:
        if not await self._state_opened():
            return
        assert self.editor is not None
        if await self._edit(self.editor.move(symbol, offset), "the move was not saved", True):
            await self._load_watchlist()

    def on_switch_watchlist(self, message: messages.SwitchWatchlist) -> None:
        if message.name is not None:
            self._switch(message.name)
        elif self.watchlist_names:
            self.push_screen(switch_list_dialog(self.watchlist_names, self.watchlist_name), self._picked_list)

    def _picked_list(self, name: str | None) -> None:
        if name == "+new":
            self.post_message(messages.NewWatchlist())
        elif name:
            self._switch(name)

    @work(group="edit", exit_on_error=False)
    async def _switch(self, name: str) -> None:
        if not await self._state_opened():
            return
        assert self.editor is not None
        self.watchlist_name = name
        await self._edit(self.editor.switch(name), "the choice of list is not remembered", True)
        await self._load_watchlist()
        self.action_refresh()

    def on_new_watchlist(self, message: messages.NewWatchlist) -> None:
        if message.name is None:
            self.push_screen(new_list_dialog(self.watchlist_names), self._new_list)
        else:
            self._new_list(message.name)

    @work(group="edit", exit_on_error=False)
    async def _new_list(self, name: str | None) -> None:
        if not name or not await self._state_opened():
            return
        assert self.editor is not None and self.state is not None
        created = await self._edit(self.editor.create(name), f"the list {name} was not created")
        if created is None:
            return
        self.watchlist_names = await self.state.watchlist_names()
        self._switch(created)

    async def _edit(self, change: Any, what: str, done: Any = None) -> Any:
        """Await one edit; a failure is said in a notification (never swallowed)."""
        try:
            result = await change
        except NaetraError as exc:
            self.notify(f"{what}: {exc}", severity="error", markup=False, timeout=10)
            return None
        return done if done is not None else result

    # --- alerts ---------------------------------------------------------------------------

    def on_add_alert(self, message: messages.AddAlert) -> None:
        symbol = message.symbol
        if message.condition is None:
            self.push_screen(alert_dialog(symbol), lambda text: self._save_alert(symbol, text))
        else:
            self._save_alert(symbol, message.condition)

    @work(group="edit", exit_on_error=False)
    async def _save_alert(self, symbol: str, text: str | None) -> None:
        if not text or not await self._state_opened() or self.alert_book is None:
            return
        alert = await self._edit(self.alert_book.add(symbol, text), "the alert was not saved")
        if alert is None:
            return
        self.notify(f"Alert set: {alert.text}", markup=False, timeout=4)
        await self._check_alerts()

    async def _count_proposals(self) -> None:
        """Changes agents proposed over MCP (from any terminal on this storage), for the status bar."""
        book = self._service("proposals")
        if book is None:
            return
        try:
            count = len(await book.pending())
        except NaetraError:
            return  # the storage is down: its own status part says so
        if count != self.pending_proposals:
            self.pending_proposals = count
            self._status()

    async def _check_alerts(self) -> None:
        await self._count_proposals()
        if self.alert_book is None or not self.alert_book.alerts:
            return
        fired = await self._edit(
            self.alert_book.check(lambda s: self.rows[s].quote if s in self.rows else None),
            "alerts not checked",
        )
        for text in fired or []:
            self.notify(
                f"ALERT {text}", title="naetra-tui alert", severity="warning", markup=False, timeout=15
            )
        self._alerts_changed()

    def on_show_alerts(self, message: messages.ShowAlerts) -> None:
        from .screens.alerts import AlertsScreen

        self.push_screen(AlertsScreen())

    def on_delete_alert(self, message: messages.DeleteAlert) -> None:
        self._delete_alert(message.alert_id)

    @work(group="edit", exit_on_error=False)
    async def _delete_alert(self, alert_id: str) -> None:
        if await self._state_opened() and self.alert_book is not None:
            await self._edit(self.alert_book.delete(alert_id), "the alert was not deleted")
        self._alerts_changed()

    def on_rearm_alert(self, message: messages.RearmAlert) -> None:
        self._rearm_alert(message.alert_id)

    @work(group="edit", exit_on_error=False)
    async def _rearm_alert(self, alert_id: str) -> None:
        if self.alert_book is not None:
            await self._edit(self.alert_book.rearm(alert_id), "the alert was not re-armed")
        self._alerts_changed()

    def _alerts_changed(self) -> None:
        for screen in self.screen_stack:
            screen.post_message(messages.AlertsChanged())
        self._status()
