"""The main screen: the watchlist, a filter line and the status bar."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from ...services.session import Phase
from .. import messages
from ..themes import updown_colours
from ..widgets.key_hints import KeyHints
from ..widgets.status_bar import StatusBar
from ..widgets.watchlist import WatchlistTable
from ..worker_errors import ReportsWorkerErrors
from .dialogs import add_symbol_dialog, alert_dialog, new_list_dialog, switch_list_dialog

if TYPE_CHECKING:
    from ..app import NaetraApp
    from ..snapshot import FirstFrame


class MainScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("enter", "open_symbol", "Open", show=True),
        # The keys that open a dialog are priority bindings: the App runs them as each key
        # arrives, so keys typed right after (tmux send-keys, a fast typist) reach the dialog
        # instead of queueing behind on the table (where "a" opened a second dialog).
        Binding("a", "add_symbol", "Add", priority=True),
        Binding("d,delete", "remove_symbol", "Remove"),
        Binding("u", "undo", "Undo"),
        Binding("K,shift+up", "move(-1)", "Move up", show=False),
        Binding("J,shift+down", "move(1)", "Move down", show=False),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
        Binding("g", "first_row", "First", show=False),
        Binding("G", "last_row", "Last", show=False),
        Binding("s", "sort", "Sort"),
        Binding("S", "sort_reverse", "Reverse sort", show=False),
        Binding("slash", "filter", "Filter"),
        Binding("w", "switch_watchlist", "Lists", priority=True),
        Binding("n", "new_watchlist", "New list", show=False, priority=True),
        Binding("exclamation_mark", "add_alert", "Alert", show=False, priority=True),
        Binding("A", "alerts", "Alerts", show=False),
        Binding("plus", "add_lot", "Add lot", priority=True),
        Binding("minus", "close_lot", "Sell", show=False, priority=True),
        Binding("P", "lots", "Lots", show=False),
        Binding("B", "portfolios", "Portfolios", show=False),
        Binding("F", "performance", "Performance", show=False),
        Binding("M", "proposals", "Proposals", show=False),
        Binding("O", "options", "Options", show=False),
        Binding("N", "feed", "News & events", show=False),
        Binding("R", "rename_list", "Rename list", show=False, priority=True),
        Binding("D", "delete_list", "Delete list", show=False, priority=True),
    ]

    DEFAULT_CSS = """
    MainScreen #filter { dock: bottom; display: none; height: 3; }
    MainScreen #filter.visible { display: block; }
    MainScreen #portfolio { display: none; height: auto; max-height: 2; padding: 0 1; background: $panel; }
    MainScreen #portfolio.visible { display: block; }
    """

    def __init__(self, first: FirstFrame | None = None) -> None:
        super().__init__()
        self.first = first  # painted on mount, so the very first frame already holds the rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield WatchlistTable(id="watchlist")
        yield Static("", id="portfolio")
        yield StatusBar(id="status")
        yield KeyHints()

    @property
    def naetra(self) -> NaetraApp:
        return self.app  # type: ignore[return-value]

    @property
    def table(self) -> WatchlistTable:
        return self.query_one(WatchlistTable)

    def on_mount(self) -> None:
        self.table.colours = partial(updown_colours, self.app)
        self.table.focus()
        if self.first is not None:
            self.show_symbols(self.first.symbols)
            if self.first.rows:
                self.show_rows(self.first.rows, self.first.sparks)
            self.show_status(self.first.status)
        self.post_message(messages.MainScreenReady())

    # --- actions --------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def action_first_row(self) -> None:
        self.table.action_scroll_top()

    def action_last_row(self) -> None:
        self.table.action_scroll_bottom()

    def action_open_symbol(self) -> None:
        symbol = self.table.current_symbol()
        if symbol:
            self.post_message(messages.OpenSymbol(symbol))

    @on(DataTable.RowSelected, "#watchlist")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.post_message(messages.OpenSymbol(event.row_key.value))

    def _typing(self) -> None:
        """In the filter field these keys are letters: the priority binding steps aside."""
        if isinstance(self.focused, Input):
            raise SkipAction()

    def action_add_symbol(self) -> None:
        self._typing()
        self.app.push_screen(add_symbol_dialog(self.table.symbols), self._answered(messages.AddSymbol))

    def action_remove_symbol(self) -> None:
        symbol = self.table.current_symbol()
        if symbol:
            self.post_message(messages.RemoveSymbol(symbol))

    def action_undo(self) -> None:
        self.post_message(messages.UndoRemove())

    def action_move(self, offset: int) -> None:
        if self.table.sort_column is not None:  # moving within a sort would do nothing visible
            self._sort_by(None)
            self.notify("Back to your order: K/J move the symbol in it", markup=False, timeout=3)
            return
        symbol = self.table.current_symbol()
        if symbol:
            self.post_message(messages.MoveSymbol(symbol, offset))

    def action_sort(self) -> None:
        """The next column, then your own order again."""
        shown = self.table.visible_columns()
        keys: list[str | None] = [k for k, _, _ in shown]
        keys.append(None)
        current = self.table.sort_column
        chosen = keys[(keys.index(current) + 1) % len(keys)] if current in keys else keys[0]
        self._sort_by(chosen)
        label = dict((k, label) for k, label, _ in shown).get(chosen or "", "")
        self.notify(
            f"sorted by {label}" if chosen else "your order (K/J move symbols)", markup=False, timeout=2
        )

    def _sort_by(self, column: str | None, reverse: bool | None = None) -> None:
        self.table.sort_column = column
        if reverse is not None:
            self.table.sort_reverse = reverse
        self.table.show_sort()

    # --- positions ------------------------------------------------------------------------

    def _quote_of(self, symbol: str) -> tuple[float | None, str | None]:
        row = self.table.rows_data.get(symbol)
        q = row.quote if row is not None else None
        return (q.price, q.currency) if q is not None else (None, None)

    def action_add_lot(self) -> None:
        """``+``: a lot of the symbol under the cursor, prefilled with today and its last price."""
        from .lot_dialogs import LotDialog

        self._typing()
        symbol = self.table.current_symbol()
        if symbol:
            price, currency = self._quote_of(symbol)
            self.app.push_screen(
                LotDialog(symbol, price, currency), self._answered(lambda lot: messages.AddLots([lot]))
            )

    def action_close_lot(self) -> None:
        """``-``: sell part or all of the position under the cursor (the cost method picks the
        lots); a short is bought back lot by lot (one: at once; several: the lots screen)."""
        from .lot_dialogs import CloseLotDialog, SellDialog

        self._typing()
        symbol = self.table.current_symbol()
        service = self.naetra.positions.service()
        lots = [lot for lot in service.lots if lot.symbol == symbol] if service and symbol else []
        if not symbol:
            return
        held = sum(lot.quantity for lot in lots if lot.quantity > 0)
        if not lots:
            self.notify(f"No open lots of {symbol}: + adds one.", markup=False, timeout=3)
        elif held > 0 and service is not None:
            dialog = SellDialog(symbol, held, self._quote_of(symbol)[0], service.cost_method)
            self.app.push_screen(dialog, self._answered(messages.SellShares))
        elif len(lots) == 1:
            self.app.push_screen(
                CloseLotDialog(lots[0], self._quote_of(symbol)[0]), self._answered(messages.CloseLot)
            )
        else:
            self.action_lots()
            self.notify(
                f"{len(lots)} lots of {symbol}: pick one, c closes it, d removes it", markup=False, timeout=5
            )

    def action_performance(self) -> None:
        from .performance import PerformanceScreen

        self.app.push_screen(PerformanceScreen())

    def action_portfolios(self) -> None:
        """``B``: show another portfolio, all of them together, or a new one."""
        from .dialogs import PickDialog

        service = self.naetra.positions.service()
        if service is None:
            return
        options = [(n, n) for n in service.portfolios()] + [
            ("all", "All together"),
            ("+new", "+ new portfolio…"),
        ]
        self.app.push_screen(
            PickDialog("Portfolio", options, service.current or "all"), self._portfolio_picked
        )

    def _portfolio_picked(self, choice: str | None) -> None:
        from ...core.portfolio import InvalidLot, check_portfolio_name
        from .dialogs import PromptDialog

        if choice == "+new":

            def problem(text: str) -> str | None:
                try:
                    check_portfolio_name(text)
                except InvalidLot as exc:
                    return exc.reason
                return None

            dialog = PromptDialog("Name of the new portfolio", "e.g. Retirement", problem)
            self.app.push_screen(dialog, lambda name: self._portfolio_picked(name) if name else None)
        elif choice:
            self.post_message(messages.SwitchPortfolio(choice))

    def action_lots(self) -> None:
        from .lots import LotsScreen

        symbol = self.table.current_symbol()
        if symbol:
            self.app.push_screen(LotsScreen(symbol))

    def show_portfolio(self, value: Any) -> None:
        """New valuations: the position columns and the summary line (shown while there are lots)."""
        from ..widgets.position_cells import summary_text

        self.table.show_positions({p.symbol: p for p in value.positions}, value.base)
        summary = self.query_one("#portfolio", Static)
        service = self.naetra.positions.service()
        several = service is not None and (len(service.portfolios()) > 1 or service.current != "Main")
        name = (service.current or "all together") if several and service is not None else None
        if value.positions or name:  # open lots, or closed ones whose realised P&L it shows
            up, down = updown_colours(self.app)
            summary.update(summary_text(value, up, down, name=name))
            summary.add_class("visible")
        else:
            summary.remove_class("visible")

    def action_sort_reverse(self) -> None:
        self._sort_by(self.table.sort_column, not self.table.sort_reverse)

    @on(DataTable.HeaderSelected, "#watchlist")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        reverse = not self.table.sort_reverse if self.table.sort_column == key else self.table.sort_reverse
        self._sort_by(key, reverse)

    async def action_filter(self) -> None:
        boxes = self.query("#filter").results(Input)
        box = next(boxes, None)
        if box is None:  # mounted on first use: one widget less before the first paint
            box = Input(placeholder="filter symbols or names (Esc clears)", id="filter")
            await self.mount(box, before=self.query_one(StatusBar))
        box.add_class("visible")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.filter_text = event.value.strip()
        self.table.rebuild()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.table.focus()

    def key_escape(self) -> None:
        box = next(self.query("#filter").results(Input), None)
        if box is not None and box.has_class("visible"):
            box.value = ""
            box.remove_class("visible")
            self.table.focus()

    def action_switch_watchlist(self) -> None:
        self._typing()
        names, current = self.naetra.watchlist.names, self.naetra.watchlist.name
        if names:
            self.app.push_screen(switch_list_dialog(names, current), self._picked_list)

    def _picked_list(self, name: str | None) -> None:
        if name == "+new":
            self.action_new_watchlist()
        elif name:
            self.post_message(messages.SwitchWatchlist(name))

    def action_new_watchlist(self) -> None:
        self._typing()
        dialog = new_list_dialog(self.naetra.watchlist.names)
        self.app.push_screen(dialog, self._answered(messages.NewWatchlist))

    def action_add_alert(self) -> None:
        self._typing()
        symbol = self.table.current_symbol()
        if symbol:
            answered = self._answered(lambda condition: messages.AddAlert(symbol, condition))
            self.app.push_screen(alert_dialog(symbol), answered)

    def _answered(self, message: Any) -> Any:
        """A dialog's callback: its answer, if any, posted as ``message(answer)``."""

        def post(answer: str | None) -> None:
            if answer:
                self.post_message(message(answer))

        return post

    def action_alerts(self) -> None:
        self.post_message(messages.ShowAlerts())

    def action_rename_list(self, name: str | None = None) -> None:
        from .list_edits import rename_list

        rename_list(self, name or self.naetra.watchlist.name, list(self.naetra.watchlist.names))

    def action_delete_list(self, name: str | None = None) -> None:
        from .list_edits import delete_list

        name = name or self.naetra.watchlist.name
        if len(self.naetra.watchlist.names) <= 1:  # said before asking, not after
            self.notify(
                f"{name} is the only watchlist: create another one first (n)", markup=False, timeout=5
            )
            return
        count = len(self.naetra.watchlist.symbols) if name == self.naetra.watchlist.name else 0
        delete_list(self, name, count)

    def action_feed(self) -> None:
        from .feed import FeedScreen

        self.app.push_screen(FeedScreen())

    def action_options(self) -> None:
        from .options import OptionsScreen

        symbol = self.table.current_symbol()
        if symbol:
            self.app.push_screen(OptionsScreen(symbol))

    def action_proposals(self) -> None:
        """The changes AI assistants proposed over MCP, to accept or reject."""
        from .proposals import ProposalsScreen

        session = self.naetra.session_at(Phase.ALL)
        if session is None:
            self.notify("Still starting: try again in a moment.", markup=False, timeout=3)
            return
        self.app.push_screen(ProposalsScreen(session.proposals))

    # --- updates from the app -------------------------------------------------------------

    def show_symbols(self, symbols: list[str]) -> None:
        self.table.symbols = list(symbols)
        self.table.rebuild()

    def show_rows(self, rows: dict[str, Any], sparks: dict[str, list[float]]) -> None:
        self.table.rows_data.update(rows)
        self.table.sparks = sparks
        self.table.note_extended()
        self.table.refresh_cells()

    def show_ticks(self, rows: dict[str, Any]) -> None:
        """Live ticks: only these rows' cells are recomputed."""
        self.table.rows_data.update(rows)
        self.table.note_extended()
        self.table.refresh_cells(only=rows.keys())

    def show_status(self, parts: list[tuple[str, str]]) -> None:
        self.query_one(StatusBar).show(parts)
