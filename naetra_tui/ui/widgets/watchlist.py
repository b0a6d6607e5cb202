"""The watchlist table: live updates in place (only changed cells), sorting, filtering."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.geometry import Region
from textual.widgets.data_table import ColumnKey, RowKey

from ...core.enums import MarketState
from ..formatting import currency_mark, fmt_age, fmt_price, fmt_volume, safe, sparkline
from ..perf.row_table import RowCachedTable
from .position_cells import extended_cell, position_cells
from .watchlist_layout import (  # re-exported: the layout rules are part of the widget's API
    ALL_COLUMNS,
    COLUMNS,
    DROPPED,
    NAME_WIDTH,
    SCROLLBAR,
    layout_for,
    name_width_for,
    shown_keys,
)

if TYPE_CHECKING:
    from ...services.market import QuoteRow
    from ...services.portfolio.valuation import PositionValue

__all__ = ["COLUMNS", "DROPPED", "SCROLLBAR", "WatchlistTable", "badge", "layout_for"]

SOURCE_BADGES = {"yahoo_finance": "YF", "alpha_vantage": "AV", "simulated": "SIM"}


def _same(shown: Text | None, new: Text) -> bool:
    """Same text *and look*: rich's Text == ignores the base style, so a sparkline turning
    from green to red would have kept its old colour."""
    return (
        shown is not None
        and shown.plain == new.plain
        and shown.style == new.style
        and shown.spans == new.spans
        and shown.justify == new.justify
    )


def badge(source: str, simulated: bool) -> str:
    if simulated:
        return "SIM"
    return SOURCE_BADGES.get(source, source[:4].upper())


class WatchlistTable(RowCachedTable):
    """Symbols and their quotes. Untrusted names are shown as literal text."""

    DEFAULT_CSS = """
    WatchlistTable { height: 1fr; }
    """

    def __init__(self, **kwargs: Any) -> None:
        self._pending: set[str] = set()  # rows whose cells are recomputed when next shown
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.symbols: list[str] = []
        self.rows_data: dict[str, QuoteRow] = {}
        self.sparks: dict[str, list[float]] = {}
        self.filter_text = ""
        self.sort_column: str | None = None
        self.sort_reverse = False
        self.colours: Callable[[], tuple[str, str]] = lambda: ("green", "red")
        self.column_layout = ""
        self.name_width = NAME_WIDTH
        #: Each symbol's position (lots, value, P&L), when the user holds it.
        self.positions: dict[str, PositionValue] = {}
        self.holding = False  # a symbol on the list has lots: the position columns are shown
        self.extended = False  # a quote on the list is in pre- or post-market trading
        self._mode: tuple[bool, bool] | None = (False, False)
        self.base_currency = "USD"  # what the position columns are in (the header says so)
        self._shown: dict[str, dict[str, Text]] = {}  # what each row shows now: update only changes
        self._trends: dict[str, tuple[list[float], str]] = {}  # each symbol's closes and their sparkline

    def on_mount(self) -> None:
        self._apply_layout(self._layout_for(self.app.size.width))

    def on_resize(self) -> None:
        self._check_layout()

    def _layout_for(self, width: int) -> str:
        return layout_for(width, self.holding, self.extended)

    def _check_layout(self) -> bool:
        """Change the columns if the width or the list's needs changed; True if they did."""
        width = self.app.size.width
        wanted = self._layout_for(width)
        if (
            wanted != self.column_layout
            or self._name_width_for(width) != self.name_width
            or self._mode != (self.holding, self.extended)
        ):
            self._apply_layout(wanted)
            return True
        return False

    def _apply_layout(self, layout: str) -> None:
        self.column_layout = layout
        self._mode = (self.holding, self.extended)  # the column groups shown
        self.name_width = self._name_width_for(self.app.size.width)
        current = self.current_symbol()  # (clearing the columns clears the rows and the cursor)
        self.clear(columns=True)
        for key, label, width in self.visible_columns():
            arrow = ("▼" if self.sort_reverse else "▲") if key == self.sort_column else ""
            self.add_column(label + arrow, key=key, width=width)  # the sorted column says so
        self.rebuild()
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    def show_sort(self) -> None:
        """Rows in the sort's order and the sorted column's header marked (▲ ascending,
        ▼ descending; no arrow: the user's own order)."""
        if self.columns:
            self._apply_layout(self.column_layout or "wide")
        else:
            self.rebuild()

    def _shows_source(self) -> bool:
        return "src" in shown_keys(self.column_layout or "wide", self.holding, self.extended)

    def visible_columns(self) -> list[tuple[str, str, int | None]]:
        keys = set(shown_keys(self.column_layout or "wide", self.holding, self.extended))
        return [
            (
                key,
                f"Value {self.base_currency}" if key == "value" else label,
                self.name_width if key == "name" else width,
            )
            for key, label, width in ALL_COLUMNS
            if key in keys
        ]

    def _name_width_for(self, terminal_width: int) -> int:
        """Company names get the width the other columns leave (up to 32 cells)."""
        return name_width_for(terminal_width, self.holding, self.extended)

    def show_positions(self, positions: dict[str, PositionValue], base_currency: str = "USD") -> None:
        """New valuations: the position columns come and go with the lots on this list."""
        self.positions = positions
        renamed = base_currency != self.base_currency  # the Value header names it
        self.base_currency = base_currency
        holding = any(s in positions and positions[s].lots for s in self.symbols)
        if holding != self.holding or renamed:
            self.holding = holding
            if renamed:
                self._mode = None
            if self._check_layout():
                return
        self.refresh_cells()

    def note_extended(self) -> None:
        """The extended-hours column is shown while a quote on the list is in PRE or POST."""
        extended = any(
            (row := self.rows_data.get(s)) is not None and row.quote is not None and row.quote.extended
            for s in self.symbols
        )
        if extended != self.extended:
            self.extended = extended
            self._check_layout()

    # --- rows ----------------------------------------------------------------------------

    def visible_symbols(self) -> list[str]:
        text = self.filter_text.upper()
        symbols = [s for s in self.symbols if not text or text in s or text in self._company_name(s).upper()]
        if self.sort_column:
            symbols.sort(key=lambda s: self._sort_value(s), reverse=self.sort_reverse)
        return symbols

    def _company_name(self, symbol: str) -> str:
        row = self.rows_data.get(symbol)
        return (row.quote.name or "") if row and row.quote else ""

    def _sort_value(self, symbol: str) -> tuple[int, Any]:
        row = self.rows_data.get(symbol)
        q = row.quote if row else None
        values: dict[str, Any] = {
            "symbol": symbol,
            "name": self._company_name(symbol).lower(),
            "last": q.price if q else None,
            "chg": q.change if q else None,
            "pct": q.change_pct if q else None,
            "volume": q.volume if q else None,
            "range": q.day_high if q else None,
            "trend": self.sparks[symbol][-1] if self.sparks.get(symbol) else None,
            "src": q.source if q else None,
            "age": q.age_seconds() if q else None,
            "mkt": q.market_state.value if q else None,
            "ext": q.extended_price if q and q.extended else None,
        }
        position = self.positions.get(symbol)
        if position is not None and position.lots:
            values |= {"qty": position.quantity, "value": position.value_base, "dpnl": position.day_pnl_base,
                       "pnl": position.total_pnl_base, "pnlpct": position.total_pct, "weight": position.weight}  # fmt: skip
        value = values.get(self.sort_column or "symbol")
        return (1, 0) if value is None else (0, value)

    def _trend(self, symbol: str) -> str:
        """The sparkline, drawn again only when the symbol's closes are a new list."""
        closes = self.sparks.get(symbol)
        if not closes:
            return ""
        drawn = self._trends.get(symbol)
        if drawn is None or drawn[0] is not closes:
            drawn = self._trends[symbol] = (closes, sparkline(closes))
        return drawn[1]

    def cells(self, symbol: str, colours: tuple[str, str] | None = None) -> dict[str, Text]:
        """``colours``: the theme's up and down colours, when the caller has read them already."""
        up, down = colours or self.colours()
        row = self.rows_data.get(symbol)
        q = row.quote if row else None
        held = position_cells(self.positions.get(symbol), up, down) if self.holding else {}
        if q is None:
            status = "loading…" if row is None else "unavailable"
            message = safe(row.error if row and row.error else "", "italic")
            return {
                "symbol": Text(symbol, style="bold"),
                "name": message if row else Text(status, style="dim italic"),
                **{k: Text("") for k, _, _ in ALL_COLUMNS if k not in ("symbol", "name")},
                "src": Text("—" if row else "…", style="dim"),
                **held,  # the lots are kept: the value says it cannot be computed
            }
        change, pct = q.change, q.change_pct
        colour = up if (change or 0) > 0 else down if (change or 0) < 0 else ""
        stale = row.stale if row else False
        age = Text(fmt_age(q.age_seconds()))
        if q.simulated and not self._shows_source():
            # the Src column gave way to the position's columns: the row still says SIM (the
            # age column is on every layout); a stale simulated price says both, without its age
            age = Text("SIM STALE", style="reverse") if stale else age.append(" SIM", style="reverse")
        elif stale:
            age.append(" STALE", style="bold " + down)
        day_range = f"{fmt_price(q.day_low)}–{fmt_price(q.day_high)}" if q.day_low is not None else "—"
        state_style = "bold" if q.market_state == MarketState.REGULAR else "dim"
        src = badge(q.source, q.simulated)
        return {
            "symbol": Text(symbol, style="bold"),
            "name": safe(q.name or ""),
            "last": Text.assemble(  # a price not in the base currency says which it is in
                fmt_price(q.price), (currency_mark(q.currency, self.base_currency), "dim"), justify="right"
            ),
            "chg": Text(
                "—" if change is None else f"{change:+.4f}" if abs(q.price) < 10 else f"{change:+.2f}",
                style=colour,
                justify="right",
            ),
            "pct": Text("—" if pct is None else f"{pct:+.2f}%", style=colour, justify="right"),
            "volume": Text(fmt_volume(q.volume), justify="right"),
            "range": Text(day_range),
            "trend": Text(self._trend(symbol), style=colour),
            "src": Text(src, style="reverse" if q.simulated else ""),
            "age": age,
            "mkt": Text(q.market_state.value, style=state_style),
            "ext": extended_cell(q, up, down),
            **held,
        }

    def rebuild(self) -> None:
        """Re-create the rows (after add/remove/sort/filter), keeping the cursor on its symbol."""
        current = self.current_symbol()
        if not self.columns:
            return
        self.clear()
        keys = [k for k, _, _ in self.visible_columns()]
        self._shown = {}
        self._pending.clear()
        listed = set(self.symbols)  # (a list lookup per symbol was quadratic at 500 rows)
        self._trends = {s: drawn for s, drawn in self._trends.items() if s in listed}
        for symbol in self.visible_symbols():
            cells = self.cells(symbol)
            self._shown[symbol] = cells
            self.add_row(*(cells[k] for k in keys), key=symbol)
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    def refresh_cells(self, only: Collection[str] | None = None) -> None:
        """Update changed cells in place: no flicker, cursor and scroll position unchanged.
        ``only``: just these symbols' rows (a live tick touches a few rows of hundreds).

        Rows on screen are recomputed now; the others when they scroll into view (a 500-row
        refresh computes about a screenful of rows, not 5,500 cells)."""
        wanted = self.visible_symbols()
        if [k.value for k in self.rows] != wanted:
            self.rebuild()
            return
        self._pending.update(wanted if only is None else [s for s in wanted if s in only])
        if not self.prepares_rows:  # rows scrolled into view later would not be brought up to date
            colours = self.colours()
            for symbol in list(self._pending):
                self._settle(symbol, colours)
            return
        top = self.scroll_offset.y  # (rounded, as the paint rounds it)
        header = self.header_height if self.show_header else 0
        width = self.size.width
        colours = self.colours()
        changed = [
            Region(0, header + row_index - top, width, 1)
            for row_index in range(top, min(len(wanted), top + self.size.height - header))
            if self._settle(wanted[row_index], colours)
        ]
        if changed:
            self.refresh(*changed)

    def _settle(self, symbol: str, colours: tuple[str, str] | None = None) -> bool:
        """Bring a pending row's cells up to date; True if anything it shows changed."""
        if symbol not in self._pending:
            return False
        self._pending.discard(symbol)
        row = self._data.get(RowKey(symbol))
        if row is None:
            return False
        shown = self._shown.get(symbol, {})
        cells = self.cells(symbol, colours)
        changes = {}
        for column_key in row:
            name = column_key.value or ""
            value = cells.get(name)
            if value is not None and not _same(shown.get(name), value):
                changes[column_key] = value
        self._shown[symbol] = cells
        if changes:
            self.set_cells(RowKey(symbol), changes)
        return bool(changes)

    def _prepare_row(self, row_key: RowKey) -> None:
        if row_key.value in self._pending:
            self._settle(row_key.value)

    def get_cell(self, row_key: RowKey | str, column_key: ColumnKey | str) -> Any:
        self._settle(str(getattr(row_key, "value", row_key)))
        return super().get_cell(row_key, column_key)

    def get_row(self, row_key: RowKey | str) -> list[Any]:
        self._settle(str(getattr(row_key, "value", row_key)))
        return super().get_row(row_key)

    def current_symbol(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return key.value
