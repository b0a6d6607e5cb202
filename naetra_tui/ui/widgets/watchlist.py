"""The watchlist table: live updates in place (only changed cells), sorting, filtering."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from ...core.models import MarketState
from ...services.market import QuoteRow
from ..text import fmt_age, fmt_price, fmt_volume, safe, sparkline

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
MAX_CACHED_CELLS = 20_000
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


def layout_for(width: int) -> str:
    return "wide" if width >= 140 else "medium" if width >= 100 else "narrow"


def badge(source: str, simulated: bool) -> str:
    if simulated:
        return "SIM"
    return SOURCE_BADGES.get(source, source[:4].upper())


class WatchlistTable(DataTable):
    """Symbols and their quotes. Untrusted names are shown as literal text."""

    DEFAULT_CSS = """
    WatchlistTable { height: 1fr; }
    """

    def __init__(self, **kwargs: Any) -> None:
        # Rendered cells by content. DataTable's own cell cache is keyed by a counter that every
        # update bumps, so one changed price re-rendered every visible cell (~50-100 ms for a
        # screenful); this one is keyed by the cell's value, so only changed cells re-render.
        # (Before super().__init__, which already clears caches.)
        # (A dict: Textual's LRUCache.set() keeps the first value stored under a key.)
        self._cell_lines: dict[tuple[Any, ...], tuple[object, Any]] = {}
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

    def on_mount(self) -> None:
        self._apply_layout(layout_for(self.app.size.width))

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Any:
        if row_index < 0 or column_index < 0:  # header and labels: DataTable's own cache
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        value = self._data.get(row_key, {}).get(column_key)
        key = (row_key, column_key, row_index, base_style, width, cursor, hover)
        key += (self._show_hover_cursor, self._pseudo_class_state)
        hit = self._cell_lines.get(key)
        if hit is not None and hit[0] is value:  # the very same cell value: same rendering
            return hit[1]
        if isinstance(value, Text) and not self.fixed_rows and not self.fixed_columns:
            lines = self._render_text_cell(value, row_index, column_index, base_style, width, cursor, hover)
        else:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        if len(self._cell_lines) > MAX_CACHED_CELLS:
            self._cell_lines.clear()  # bounded: about a few screens of cells
        self._cell_lines[key] = (value, lines)
        return lines

    def _render_text_cell(
        self,
        text: Text,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> list[list[Segment]]:
        """What DataTable's ``_render_cell`` makes of a one-line Text cell, without its
        Styled(Padding(...)) detour through ``console.render_lines`` (four times the work).
        The snapshot tests hold it to the same output."""
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
        pad = self.cell_padding
        inner = max(0, width - 2 * pad)
        options = self.app.console_options.update_dimensions(inner, 1).update(no_wrap=True)
        rendered = self.app.console.render(text, options)
        lines = Segment.split_and_crop_lines(rendered, inner, pad=True, include_new_lines=False)
        line = next(iter(lines), [Segment(" " * inner)])
        if pad:
            line = [Segment(" " * pad), *line, Segment(" " * pad)]
        return [list(Segment.apply_style(line, pre_style, post_style))]

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._cell_lines.clear()  # theme or style change: component styles differ

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
        """Company names get the width the other columns leave (16 to 32 cells)."""
        dropped = DROPPED.get(layout_for(terminal_width), set())
        others = sum((w or 0) + 2 for k, _, w in COLUMNS if k not in dropped and k != "name")
        return max(NAME_WIDTH, min(32, terminal_width - others - 2 - 2))  # name padding, scrollbar

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

    def cells(self, symbol: str) -> dict[str, Text]:
        up, down = self.colours()
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
            "trend": Text(sparkline(self.sparks.get(symbol)), style=colour),
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
        for symbol in self.visible_symbols():
            cells = self.cells(symbol)
            self._shown[symbol] = cells
            self.add_row(*(cells[k] for k in keys), key=symbol)
        if current in self.rows:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    def refresh_cells(self, only: Collection[str] | None = None) -> None:
        """Update changed cells in place: no flicker, cursor and scroll position unchanged.
        ``only``: just these symbols' rows (a live tick touches a few rows of hundreds)."""
        wanted = self.visible_symbols()
        if [k.value for k in self.rows] != wanted:
            self.rebuild()
            return
        keys = {k for k, _, _ in self.visible_columns()}
        changes: list[tuple[str, str, Text]] = []
        for symbol in wanted if only is None else [s for s in wanted if s in only]:
            shown = self._shown.get(symbol, {})
            cells = self.cells(symbol)
            changes.extend(
                (symbol, key, value)
                for key, value in cells.items()
                if key in keys and not _same(shown.get(key), value)
            )
            self._shown[symbol] = cells
        self._apply(changes)

    def _apply(self, changes: list[tuple[str, str, Text]]) -> None:
        """Set many cells with one repaint (``update_cell`` repaints once per cell: 5,000 repaints
        for a 500-row refresh)."""
        if not changes:
            return
        data = getattr(self, "_data", None)
        if not isinstance(data, dict) or not hasattr(self, "_update_count"):
            for symbol, key, value in changes:  # a Textual without these internals: the slow way
                self.update_cell(symbol, key, value)
            return
        for symbol, key, value in changes:
            data[RowKey(symbol)][ColumnKey(key)] = value
        self._update_count += 1
        self.refresh()

    def current_symbol(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return key.value
