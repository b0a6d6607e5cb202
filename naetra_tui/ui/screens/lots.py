"""``P`` on a watchlist row: the symbol's lots — open ones to edit, close or remove, closed ones
with their realised P&L — and the position they make (average cost, value, P&L)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from .. import messages
from ..widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from ...core.portfolio import Lot
    from ..app import NaetraApp
    from .lot_dialogs import Closing


class LotsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("plus", "add", "Add lot"),
        Binding("e", "edit", "Edit"),
        Binding("c", "close_lot", "Close (sell)"),
        Binding("d", "remove", "Remove"),
    ]
    DEFAULT_CSS = """
    LotsScreen DataTable { height: 1fr; }
    LotsScreen #position { height: auto; padding: 0 1; border-top: solid $panel; }
    """

    def __init__(self, symbol: str) -> None:
        super().__init__()
        self.symbol = symbol

    @property
    def naetra(self) -> NaetraApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="lots", cursor_type="row", zebra_stripes=True)
        yield Static("", id="position")
        yield KeyHints()

    def on_mount(self) -> None:
        self.sub_title = f"Lots of {self.symbol}"
        table = self.query_one(DataTable)
        for key, label in (("state", "Lot"), ("qty", "Quantity"), ("price", "Price"), ("date", "Date"),
                           ("fees", "Fees"), ("ccy", "Currency"), ("closed", "Closed at"), ("pnl", "Realised P&L")):  # fmt: skip
            table.add_column(label, key=key)
        self.refresh_lots()
        table.focus()

    def open_lots(self) -> list[Lot]:
        service = self.naetra.positions.service()
        return [lot for lot in service.lots if lot.symbol == self.symbol] if service else []

    def refresh_lots(self) -> None:
        from ...core.currency import main_unit
        from ...services.portfolio.fmt import money

        table = self.query_one(DataTable)
        chosen = self.selected()
        table.clear()
        service = self.naetra.positions.service()
        if service is None:
            return
        for lot in self.open_lots():
            table.add_row(Text("open", style="bold"), f"{lot.quantity:g}", f"{lot.price:g}", lot.opened.isoformat(),
                          f"{lot.fees:g}", lot.currency or "(quote's)", "", "", key=lot.id)  # fmt: skip
        quote_unit = self._last()[1]
        for done in (c for c in service.closed if c.lot.symbol == self.symbol):
            lot = done.lot
            currency, factor = main_unit(lot.currency or quote_unit or "")  # pence are shown as pounds
            table.add_row(Text("closed", style="dim"), f"{lot.quantity:g}", f"{lot.price:g}", lot.opened.isoformat(),
                          f"{lot.fees + done.fees:g}", lot.currency or "(quote's)",
                          f"{done.price:g} on {done.closed}", money(done.realised * factor, currency, True),
                          key=f"closed-{lot.id}")  # fmt: skip
        if chosen is not None and chosen.id in [k.value for k in table.rows]:
            table.move_cursor(row=[k.value for k in table.rows].index(chosen.id))
        self.query_one("#position", Static).update(self._position_text())

    def _position_text(self) -> Text:
        from ...services.portfolio.fmt import money

        service = self.naetra.positions.service()
        value = service.value() if service else None
        p = value.position(self.symbol) if value else None
        if p is None or not p.lots:
            return Text("No open lots: + adds one.", style="dim")
        text = Text(f"{p.quantity:g} {self.symbol} · average cost {money(p.average_cost, p.currency)} "
                    f"(fees included, over the open lots)")  # fmt: skip
        if p.price is not None:
            text.append(f" · {p.basis} {money(p.price, p.currency)} · value {money(p.value, p.currency)}"
                        f" · P&L {money(p.total_pnl, p.currency, True)}")  # fmt: skip
        if p.problem:
            text.append(f" · {p.problem}", style="italic")
        return text

    def selected(self) -> Lot | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None
        return next((lot for lot in self.open_lots() if lot.id == key), None)

    def _last(self) -> tuple[float | None, str | None]:
        service = self.naetra.positions.service()
        row = self.naetra.watchlist.rows.get(self.symbol) or (
            service.market.rows.get(self.symbol) if service is not None else None
        )
        q = row.quote if row is not None else None
        return (q.price, q.currency) if q is not None else (None, None)

    def action_add(self) -> None:
        from .lot_dialogs import LotDialog

        price, currency = self._last()
        self.app.push_screen(LotDialog(self.symbol, price, currency), self._lot_added)

    def _lot_added(self, lot: Lot | None) -> None:
        if lot is not None:
            self.post_message(messages.AddLots([lot]))

    def action_edit(self) -> None:
        from .lot_dialogs import LotDialog

        lot = self.selected()
        if lot is None:
            self.app.notify("Pick an open lot to edit.", markup=False, timeout=3)
            return
        price, currency = self._last()

        def edited(new: Lot | None) -> None:
            if new is not None:
                self.post_message(messages.ReplaceLot(lot, new))

        self.app.push_screen(LotDialog(self.symbol, price, currency, lot), edited)

    def action_close_lot(self) -> None:
        from .lot_dialogs import CloseLotDialog

        lot = self.selected()
        if lot is None:
            self.app.notify("Pick an open lot to close.", markup=False, timeout=3)
            return
        self.app.push_screen(CloseLotDialog(lot, self._last()[0]), self._lot_closed)

    def _lot_closed(self, closing: Closing | None) -> None:
        if closing is not None:
            self.post_message(messages.CloseLot(closing))

    def action_remove(self) -> None:
        from .dialogs import PickDialog

        lot = self.selected()
        if lot is None:
            return
        options = [
            ("keep", "No, keep it"),
            ("remove", "Yes, remove it (entered by mistake: no P&L is realised)"),
        ]

        def answered(choice: str | None) -> None:
            if choice == "remove":
                self.post_message(messages.RemoveLot(lot))

        self.app.push_screen(PickDialog(f"Remove the lot of {lot.quantity:g} {lot.symbol} from {lot.opened}?",
                                        options, "keep"), answered)  # fmt: skip

    def action_back(self) -> None:
        self.app.pop_screen()
