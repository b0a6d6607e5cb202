"""The watchlist on screen: which list, its symbols, their rows and sparklines; reading it (and
other terminals' edits), refreshing it, live ticks, and the edits the user asks for (asked in a
dialog, done by ``services.watchlists``, said in a notification)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ...core.errors import NaetraError
from ...services.session import Phase
from ..screens.dialogs import add_symbol_dialog, new_list_dialog, switch_list_dialog
from .base import Controller

if TYPE_CHECKING:
    from ...services.market import QuoteRow
    from ..app import NaetraApp
    from ..snapshot import FirstFrame

log = logging.getLogger(__name__)


class WatchlistController(Controller):
    """What the main screen shows, and the edits of it."""

    def __init__(self, app: NaetraApp) -> None:
        super().__init__(app)
        self.name = "Default"
        self.names: list[str] = []
        self.symbols: list[str] = []
        self.rows: dict[str, QuoteRow] = {}
        self.sparks: dict[str, list[float]] = {}
        self._sparks_loaded: set[str] = set()
        self._sparks_loading: set[str] = set()
        self._loads = 0  # reads of the list asked for: only the latest is shown

    def show_first(self, first: FirstFrame) -> None:
        """The last session's list and rows, painted before any service exists."""
        self.name, self.symbols = first.watchlist, list(first.symbols)
        self.rows, self.sparks = dict(first.rows), dict(first.sparks)
        self.app.title = f"naetra-tui · {self.name}"

    # --- reading --------------------------------------------------------------------------

    async def open(self, defaults: list[str]) -> None:
        """Once storage is open: the lists, the one last shown (or the first), its symbols."""
        session = self.app.opened_session()
        state = session.state
        await state.ensure_default("Default", defaults)
        self.names = await state.watchlist_names()
        if self.name not in self.names:
            self.name = self.names[0]
        session.watchlists.active = self.name
        await self.load()

    async def load(self) -> None:
        state = self.app.opened_session().state
        self._loads += 1
        ticket = self._loads
        symbols = await state.watchlist(self.name)
        for key, why in state.take_skipped().items():
            self.app.notify(
                f"Skipped a malformed record in storage: {key} ({why}). The rest of the list is shown.",
                severity="warning",
                markup=False,
                timeout=15,
            )
        if ticket != self._loads:
            return  # a later read (after an edit, or of another list) was asked for: it decides
        self.symbols = symbols
        self.app.title = f"naetra-tui · {self.name}"
        if symbols != self.app.main_screen.table.symbols:
            self.app.main_screen.show_symbols(symbols)

    def reload(self) -> None:
        """Read the list again (kept changes landed, or lost to another terminal's edit)."""
        session = self.app.session
        if session is not None and session.has(Phase.STORAGE):
            self.run("edit", self.load)

    async def pick_up_other_terminals_edits(self) -> None:
        """Several terminals may share one storage (a team's PostgreSQL): lists another one
        created, and symbols it added or removed, show up at the next refresh. Two key
        listings; the full, ordered read only when the members differ."""
        state = self.app.opened_session().state
        try:
            self.names = await state.watchlist_names()
            if await state.watchlist_members(self.name) != set(self.symbols):
                await self.load()
        except NaetraError as exc:  # storage down: refresh the symbols on screen, as before
            log.info("watchlist not re-read: %s", exc)

    # --- prices ---------------------------------------------------------------------------

    async def refresh(self, first: bool) -> None:
        """Fetch the list's rows (and the positions' symbols), show them, then what follows."""
        session = self.app.opened_session(Phase.MARKET)
        if not first:  # the first refresh runs right after the list was read
            await self.pick_up_other_terminals_edits()
        symbols = list(self.symbols)
        if not symbols:
            self.app.show_status()
            return
        extra = [s for s in self.app.positions.symbols_to_fetch() if s not in symbols]
        rows = await session.market.refresh(symbols + extra)
        shown = {s: rows[s] for s in symbols if s in rows}
        self.rows.update(shown)
        self.app.main_screen.show_rows(shown, self.sparks)
        await self.app.positions.refresh(set(symbols + extra))
        self.app.show_status()
        self.app.save_snapshot()
        # sparklines loaded this session (the snapshot's may be days old), one loader per symbol
        missing = [s for s in symbols if s not in self._sparks_loaded and s not in self._sparks_loading]
        if missing:
            self._sparks_loading.update(missing)
            self.run("sparks", self._load_sparks, missing)
        await self.app.alert_rules.check()

    def streamed(self, rows: dict[str, QuoteRow]) -> None:
        """Live ticks (batched by the service): the changed cells only, cursor untouched."""
        self.rows.update(rows)
        self.app.main_screen.show_ticks(rows)
        self.app.positions.ticked(rows.keys())
        self.app.show_status()

    async def _load_sparks(self, symbols: list[str]) -> None:
        market = self.app.opened_session(Phase.MARKET).market
        try:
            for symbol in symbols:
                try:
                    history = await market.history(symbol, "1D", "1M")
                    self.sparks[symbol] = history.close[-12:].tolist()
                except NaetraError:
                    self.sparks[symbol] = []
                self._sparks_loaded.add(symbol)
                self._sparks_loading.discard(symbol)
        finally:
            self._sparks_loading.difference_update(symbols)  # cancelled: the next refresh retries
        self.app.main_screen.show_rows({}, self.sparks)
        self.app.save_snapshot()  # the next start paints the sparklines too

    # --- edits ----------------------------------------------------------------------------

    def add(self, text: str | None) -> None:
        if text is None:  # from the palette: ask first
            self.app.push_screen(add_symbol_dialog(self.symbols), self._add_answered)
        else:
            self.run("edit", self._add, text)

    def _add_answered(self, text: str | None) -> None:
        if text:
            self.run("edit", self._add, text)

    async def _add(self, text: str) -> None:
        """One symbol or several (``AMD, INTC TSLA``): the valid ones are added, the others
        listed with the reason."""
        from ...services.watchlists import split_symbols

        session = await self.app.startup.storage_open()
        if session is None:
            return
        good, bad = split_symbols(text, list(self.symbols))
        added = []
        for token in good:
            symbol = await self.attempt(session.watchlists.add(token), f"{token} was not added")
            if symbol is not None:
                added.append(symbol)
        if added:
            await self.load()
            self.app.action_refresh()
        said = f"Added {', '.join(added)}" if added else "Nothing was added"
        if bad:
            said += "; not added: " + "; ".join(f"{token} ({why})" for token, why in bad)
        if bad:
            self.app.notify(said, markup=False, timeout=8, severity="warning")
        else:
            self.app.notify(said, markup=False, timeout=3)

    def remove(self, symbol: str) -> None:
        self.run("edit", self._remove, symbol)

    async def _remove(self, symbol: str) -> None:
        session = await self.app.startup.storage_open()
        if session is None or not await self.succeeded(
            session.watchlists.remove(symbol), f"{symbol} was not removed"
        ):
            return
        await self.load()
        self.app.notify(f"Removed {symbol} — press u to undo", markup=False, timeout=5)

    def undo(self) -> None:
        self.run("edit", self._undo)

    async def _undo(self) -> None:
        session = self.app.session
        if session is None or not session.has(Phase.STORAGE) or not session.watchlists.undo_stack:
            self.app.notify("Nothing to undo", markup=False, timeout=2)
            return
        symbol = await self.attempt(session.watchlists.undo(), "the undo did not happen")
        if symbol is None:
            return
        await self.load()
        self.app.notify(f"Restored {symbol}", markup=False, timeout=3)
        self.app.action_refresh()

    def move(self, symbol: str, offset: int) -> None:
        self.run("edit", self._move, symbol, offset)

    async def _move(self, symbol: str, offset: int) -> None:
        session = await self.app.startup.storage_open()
        if session is not None and await self.succeeded(
            session.watchlists.move(symbol, offset), "the move was not saved"
        ):
            await self.load()

    def switch(self, name: str | None) -> None:
        if name is not None:
            self.run("edit", self._switch, name)
        elif self.names:
            self.app.push_screen(switch_list_dialog(self.names, self.name), self._picked)

    def _picked(self, name: str | None) -> None:
        if name == "+new":
            self.new_list(None)
        elif name:
            self.run("edit", self._switch, name)

    async def _switch(self, name: str) -> None:
        session = await self.app.startup.storage_open()
        if session is None:
            return
        self.name = name
        await self.succeeded(session.watchlists.switch(name), "the choice of list is not remembered")
        await self.load()
        self.app.action_refresh()

    def new_list(self, name: str | None) -> None:
        if name is None:
            self.app.push_screen(new_list_dialog(self.names), self._new_answered)
        else:
            self.run("edit", self._new_list, name)

    def _new_answered(self, name: str | None) -> None:
        if name:
            self.run("edit", self._new_list, name)

    def rename(self, old: str, new: str) -> None:
        self.run("list-edit", self._rename, old, new)

    async def _rename(self, old: str, new: str) -> None:
        session = await self.app.startup.storage_open()
        if session is None:
            return
        done = await self.attempt(session.watchlists.rename(old, new), "Not renamed")
        if done is not None:
            self.app.notify(f"Renamed the list {old} to {done}", markup=False, timeout=4)
            self.names = await session.state.watchlist_names()
            await self._switch(session.watchlists.active)

    def delete(self, name: str) -> None:
        self.run("list-edit", self._delete, name)

    async def _delete(self, name: str) -> None:
        session = await self.app.startup.storage_open()
        if session is None:
            return
        shown = await self.attempt(session.watchlists.delete(name), "Not deleted")
        if shown is not None:
            self.app.notify(f"Deleted the list {name} (u brings it back)", markup=False, timeout=6)
            self.names = await session.state.watchlist_names()
            await self._switch(shown)

    async def _new_list(self, name: str) -> None:
        session = await self.app.startup.storage_open()
        if session is None:
            return
        created = await self.attempt(session.watchlists.create(name), f"the list {name} was not created")
        if created is None:
            return
        self.names = await session.state.watchlist_names()
        await self._switch(created)
