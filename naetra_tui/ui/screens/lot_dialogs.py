"""The portfolio's dialogs on the watchlist: ``+`` adds a lot (quantity, price, date, fees,
currency — prefilled with today, the last price and the quote's currency), editing one from the
lots screen uses the same form, and closing one asks the price, date and fees it closed at.
Every value is checked as the CLI and a CSV import check it; a problem is shown at its field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...core.clock import today
from ...core.portfolio import InvalidLot, Lot, check_lot, number, parse_day
from ...core.text import clean_line


def _num(value: float | None, digits: int = 8) -> str:
    return "" if value is None else f"{round(value, digits):.15g}"


class LotForm(ModalScreen[Any]):
    """Labelled fields, each with its problem line under it; Enter or ctrl+s submits."""

    DEFAULT_CSS = """
    LotForm { align: center middle; }
    LotForm > Vertical { width: 80; height: auto; max-height: 100%; border: round $primary; background: $surface; padding: 0 1; }
    LotForm .title { text-style: bold; }
    LotForm .help { color: $text-muted; margin-bottom: 1; }
    LotForm Horizontal { height: 3; }
    LotForm .label { width: 30; padding: 1 1 0 0; text-style: bold; }
    LotForm Input { width: 1fr; }
    LotForm .problem { color: $error; height: auto; padding-left: 30; display: none; }
    LotForm .problem.shown { display: block; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Save")]
    AUTO_FOCUS = "Input"
    FIELDS: tuple[tuple[str, str], ...] = ()

    def __init__(self, title: str, help_text: str, values: dict[str, str]) -> None:
        super().__init__()
        self.title_text, self.help_text, self.values = title, help_text, values

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(clean_line(self.title_text)), classes="title")
            yield Static(Content(self.help_text), classes="help")
            for name, label in self.FIELDS:
                with Horizontal():
                    yield Static(Content(label), classes="label")
                    yield Input(value=self.values.get(name, ""), id=f"field-{name}")
                yield Static("", id=f"problem-{name}", classes="problem")

    def field(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Input).value.strip()

    def show_problem(self, name: str | None, message: str = "") -> None:
        for field_name, _ in self.FIELDS:
            said = message if field_name == name else ""
            line = self.query_one(f"#problem-{field_name}", Static)
            line.update(Content(clean_line(said)))
            line.set_class(bool(said), "shown")
        if name is not None and self.query(f"#field-{name}"):
            self.query_one(f"#field-{name}", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)


class LotDialog(LotForm):
    """Returns the checked Lot, or None on Esc."""

    FIELDS = (
        ("quantity", "Quantity (− for a short)"),
        ("price", "Price per unit"),
        ("date", "Date (YYYY-MM-DD)"),
        ("fees", "Fees (price's currency)"),
        ("currency", "Currency (empty: quote's)"),
    )

    def __init__(
        self, symbol: str, last_price: float | None, currency: str | None, lot: Lot | None = None
    ) -> None:
        self.symbol = symbol
        if lot is None:
            values = {"price": _num(last_price, 4), "date": today().isoformat(), "fees": "0",
                      "currency": currency or ""}  # fmt: skip
            title = f"Add a lot of {symbol}"
        else:
            values = {"quantity": _num(lot.quantity), "price": _num(lot.price), "date": lot.opened.isoformat(),
                      "fees": _num(lot.fees), "currency": lot.currency or ""}  # fmt: skip
            title = f"Edit a lot of {symbol}"
        super().__init__(title, "Enter or ctrl+s saves; Esc cancels.", values)
        self.editing = lot

    def action_submit(self) -> None:
        try:
            lot = check_lot(self.symbol, self.field("quantity"), self.field("price"), self.field("date"),
                            self.field("fees"), self.field("currency"))  # fmt: skip
        except InvalidLot as exc:
            self.show_problem(exc.field if exc.field != "symbol" else "quantity", exc.reason)
            return
        self.dismiss(lot)


@dataclass(frozen=True)
class Closing:
    """What the close dialog answers: the lot closed at ``price`` on ``day`` with ``fees``."""

    lot: Lot
    price: float
    day: date
    fees: float


class CloseLotDialog(LotForm):
    """Close (sell, or buy back a short) one lot: its P&L is realised. Returns a Closing."""

    FIELDS = (("price", "Closing price"), ("date", "Date (YYYY-MM-DD)"), ("fees", "Fees"))

    def __init__(self, lot: Lot, last_price: float | None) -> None:
        if lot.quantity < 0:  # a short: sold first, bought back to close
            title = (
                f"Buy back the short of {-lot.quantity:g} {lot.symbol} sold at {lot.price:g} on {lot.opened}"
            )
        else:
            title = f"Sell the lot of {lot.quantity:g} {lot.symbol} bought at {lot.price:g} on {lot.opened}"
        super().__init__(
            title,
            "The realised P&L is against this lot's own price. Enter or ctrl+s closes it; Esc cancels. "
            "(Entered by mistake? P, then d, removes it without realising anything.)",
            {"price": _num(last_price, 4), "date": today().isoformat(), "fees": "0"},
        )
        self.lot = lot

    def action_submit(self) -> None:
        try:
            price = number("price", self.field("price"), low=0.0, high=1e9)
            day = parse_day(self.field("date"), today())
            if day < self.lot.opened:
                raise InvalidLot("date", f"is before the lot was opened ({self.lot.opened})")
            fees = number("fees", self.field("fees") or "0", low=0.0, high=1e9)
        except InvalidLot as exc:
            self.show_problem(exc.field, exc.reason)
            return
        self.dismiss(Closing(self.lot, price, day, fees))


@dataclass(frozen=True)
class Selling:
    """What the sell dialog answers."""

    symbol: str
    quantity: float
    price: float
    day: date
    fees: float
    method: str


class SellDialog(LotForm):
    """Sell part or all of a position (``-`` on a row): the lots are taken by the cost method."""

    FIELDS = (
        ("quantity", "Quantity to sell"),
        ("price", "Price"),
        ("date", "Date (YYYY-MM-DD)"),
        ("fees", "Fees"),
        ("method", "Lots taken (fifo/average)"),
    )

    def __init__(self, symbol: str, held: float, last_price: float | None, method: str) -> None:
        super().__init__(
            f"Sell {symbol} ({held:g} held)",
            "The realised P&L is said when it is saved (both sides' fees in). Enter or ctrl+s sells; "
            "Esc cancels. One lot only? P picks it.",
            {
                "quantity": _num(held),
                "price": _num(last_price, 4),
                "date": today().isoformat(),
                "fees": "0",
                "method": method,
            },
        )
        self.symbol = symbol
        self.held = held

    def action_submit(self) -> None:
        try:
            quantity = number("quantity", self.field("quantity"), low=0.0, high=1e12)
            if quantity <= 0 or quantity > self.held * (1 + 1e-9):
                raise InvalidLot("quantity", f"sell more than 0 and at most the {self.held:g} held")
            price = number("price", self.field("price"), low=0.0, high=1e9)
            if price <= 0:
                raise InvalidLot("price", "a sale's price is above 0")
            day = parse_day(self.field("date"), today())
            fees = number("fees", self.field("fees") or "0", low=0.0, high=1e9)
            method = self.field("method").strip().lower() or "fifo"
            if method not in ("fifo", "average"):
                raise InvalidLot("method", "fifo or average")
        except InvalidLot as exc:
            self.show_problem(exc.field, exc.reason)
            return
        self.dismiss(Selling(self.symbol, quantity, price, day, fees, method))
