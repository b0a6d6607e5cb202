"""The watchlist table: live updates in place (only changed cells), sorting, filtering."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.geometry import Region
from textual.widgets.data_table import ColumnKey, RowKey

from ...core.enums import MarketState
from ..perf.row_table import RowCachedTable
from ..text import fmt_age, fmt_price, fmt_volume, safe, sparkline

if TYPE_CHECKING:
    from ...services.market import QuoteRow

COLUMNS: list[tuple[str, str, int | None]] = [
    ("symbol", "Symbol", 10),
    ("name", "Name", 16),  # widened to what the terminal leaves (see _name_width_for)
    ("last", "Last", 11),
    ("chg", "Chg", 9),
    ("pct", "Chg%", 8),
    ("volume", "Volume", 8),
    ("range", "Day range", 19),
    ("trend", "Trend", 12),
    ("src", "Src", 4),
    ("age", "Age", 9),  # "15s STALE"
    ("mkt", "Mkt", 6),
]
NAME_WIDTH = 16
SOURCE_BADGES = {"yahoo_finance": "YF", "alpha_vantage": "AV", "simulated": "SIM"}
#: Columns dropped as the terminal narrows (everything still fits at 80 columns).
DROPPED = {"wide": set(), "medium": {"range", "chg"}, "narrow": {"range", "name", "volume", "chg"}}


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


#: The narrowest company name each layout accepts: below it, the next narrower layout is used.
NAME_MIN = {"wide": NAME_WIDTH, "medium": 10}
SCROLLBAR = 2  # the vertical scrollbar's columns when the list is taller than the screen


def _others_width(layout: str) -> int:
    """Cells the columns other than the name take in ``layout`` (each padded by 1 each side)."""
    dropped = DROPPED[layout]
    return sum((w or 0) + 2 for k, _, w in COLUMNS if k not in dropped and k != "name")


def layout_for(width: int) -> str:
    """The widest layout that fits ``width`` without scrolling sideways."""
    for layout in ("wide", "medium"):
        if _others_width(layout) + NAME_MIN[layout] + 2 + SCROLLBAR <= width:
            return layout
    return "narrow"


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
        self._shown: dict[str, dict[str, Text]] = {}  # what each row shows now: update only changes
        self._trends: dict[str, tuple[list[float], str]] = {}  # each symbol's closes and their sparkline

    def on_mount(self) -> None:
        self._apply_layout(layout_for(self.app.size.width))

    def on_resize(self) -> None:
        wanted = layout_for(self.app.size.width)
        if wanted != self.column_layout or self._name_width_for(self.app.size.width) != self.name_width:
            self._apply_layout(wanted)

    def _apply_layout(self, layout: str) -> None:
        self.column_layout = layout
        self.name_width = self._name_width_for(self.app.size.width)
        self.clear(columns=True)
        for key, label, width in self.visible_columns():
            self.add_column(label, key=key, width=width)
        self.rebuild()

    def visible_columns(self) -> list[tuple[str, str, int | None]]:
        dropped = DROPPED.get(self.column_layout, set())
        return [
            (key, label, self.name_width if key == "name" else width)
            for key, label, width in COLUMNS
            if key not in dropped
        ]

    def _name_width_for(self, terminal_width: int) -> int:
        """Company names get the width the other columns leave (up to 32 cells)."""
        layout = layout_for(terminal_width)
        room = terminal_width - _others_width(layout) - 2 - SCROLLBAR  # the name's own padding
        return max(NAME_MIN.get(layout, NAME_WIDTH), min(32, room))

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
            "trend": (self.sparks.get(symbol) or [None])[-1],
            "src": q.source if q else None,
            "age": q.age_seconds() if q else None,
            "mkt": q.market_state.value if q else None,
        }
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
        if q is None:
            status = "loading…" if row is None else "unavailable"
            message = safe(row.error if row and row.error else "", "italic")
            return {
                "symbol": Text(symbol, style="bold"),
                "name": message if row else Text(status, style="dim italic"),
                **{k: Text("") for k, _, _ in COLUMNS if k not in ("symbol", "name")},
                "src": Text("—" if row else "…", style="dim"),
            }
        change, pct = q.change, q.change_pct
        colour = up if (change or 0) > 0 else down if (change or 0) < 0 else ""
        stale = row.stale if row else False
        age = Text(fmt_age(q.age_seconds()))
        if stale:
            age.append(" STALE", style="bold " + down)
        day_range = f"{fmt_price(q.day_low)}–{fmt_price(q.day_high)}" if q.day_low is not None else "—"
        state_style = "bold" if q.market_state == MarketState.REGULAR else "dim"
        src = badge(q.source, q.simulated)
        return {
            "symbol": Text(symbol, style="bold"),
            "name": safe(q.name or ""),
            "last": Text(fmt_price(q.price), justify="right"),
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
        if current in self.rows:
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
        changed = False
        for column_key in row:
            value = cells.get(column_key.value)
            if value is not None and not _same(shown.get(column_key.value), value):
                row[column_key] = value
                changed = True
        self._shown[symbol] = cells
        if changed:
            self.row_changed(symbol)
        return changed

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
