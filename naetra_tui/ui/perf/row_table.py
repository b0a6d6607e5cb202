"""A DataTable that re-renders only what changed.

DataTable caches rendered rows, cells and lines under one counter that every update bumps, so a
single changed price re-renders every cell on screen (tens of milliseconds for a screenful).
Here each row keeps its last rendering with the cell values it was made from: a row re-renders
when its own version changes (``row_changed``), and then only the cells whose value is a new
object. One-line ``Text`` cells skip rich's wrapping machinery. Values every line of a paint
shares are read once per paint.

The fast path covers the layout the watchlist uses (row cursor, no fixed rows or columns, no
row labels); anything else goes through DataTable's own code. tests/ui/test_watchlist_rendering.py
holds both paths to the same output.

Delete when: a DataTable that invalidates its caches per row and cell instead of as a whole; or when ``NAETRA_SPEEDUPS=0 python benchmarks/ui.py --only update``
meets the 500-row update within 16 ms and the 100-symbol refresh stall within 20 ms without it.
"""

from __future__ import annotations

from itertools import chain
from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from .guard import internals_present

try:
    from textual._segment_tools import line_crop
except ImportError:  # moved: the fast path stands aside (see fast_path_available)
    line_crop = None  # type: ignore[assignment]  # (a function, or None on such a Textual)

SegmentLines = list[list[Segment]]
MAX_CACHED_LINES = 2_000
#: DataTable's internals the fast path calls or overrides.
DATATABLE_INTERNALS = (
    "_render_line_in_row",
    "_render_line",
    "_render_cell",
    "_get_row_style",
    "_get_styles_to_render_cell",
    "_get_offsets",
    "_clear_caches",
)
#: ...and reads on each table.
INSTANCE_INTERNALS = ("_row_locations", "_data", "_labelled_row_exists", "_show_hover_cursor")


class Frame(NamedTuple):
    """What every line of one paint shares, read once per paint instead of once per line
    (the widget's rich_style walks the DOM; reactive reads are not free)."""

    base_style: Style
    show_cursor: bool
    show_hover: bool
    foreground_css: bool
    background_css: bool
    widths: list[int]
    column_keys: list[ColumnKey]
    width: int
    header_height: int
    scroll_x: int
    scroll_y: int
    cursor: Coordinate
    hover: Coordinate


class RenderedRow(NamedTuple):
    """A row as last rendered, and what it was rendered from."""

    state: tuple[Any, ...]  # cursor, hover, zebra, width...
    version: int
    values: list[Any]
    widths: list[int]
    cells: list[list[Segment]]
    lines: tuple[SegmentLines, SegmentLines]


def one_line(text: Text, width: int, console: Console) -> list[Segment] | None:
    """A Text that fits on one line laid out as rich's ``console.render`` would (left and
    default justification pad after the text, right pads before it in the text's style),
    without rich's wrapping machinery; None when rich has to decide (wrapping, cropping,
    centring, trailing spaces)."""
    plain = text.plain
    if "\n" in plain or "\t" in plain:
        return None
    room = width - cell_len(plain)
    justify = text.justify or "default"
    if room < 0 or justify not in ("default", "left", "right"):
        return None
    style = console.get_style(text.style, default=Style.null()) if text.style else None
    if text.spans:
        segments = list(text.render(console, end=""))
    else:  # Text.render leaves the base style out when there are no spans
        segments = [Segment(plain, style)] if plain else []
    if not room:
        return segments
    if justify == "default":
        return [*segments, Segment(" " * room)]
    if justify == "left":
        return [*segments, Segment(" " * room, style)]
    if plain != plain.rstrip():
        return None
    return [Segment(" " * room, style), *segments]


class RowCachedTable(DataTable):
    """DataTable with per-row render caching (see the module docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        # (Before super().__init__, which already clears caches.)
        self._row_lines: dict[RowKey, RenderedRow] = {}
        self._row_styles: dict[tuple[int, Style], Style] = {}
        self._cell_meta: dict[tuple[int, int], Style] = {}
        self._strips: dict[tuple[Any, ...], tuple[object, Strip]] = {}
        self._row_versions: dict[Any, int] = {}
        self._frame: Frame | None = None  # set while a paint is in progress
        super().__init__(**kwargs)

    def row_changed(self, key: Any) -> None:
        """A row's cells were changed in ``_data`` directly: render it again when shown."""
        self._row_versions[key] = self._row_versions.get(key, 0) + 1

    def _prepare_row(self, row_key: RowKey) -> None:
        """Called before a row is rendered (fast path only): a subclass may bring its cells
        up to date."""

    @property
    def prepares_rows(self) -> bool:
        """Whether rows are brought up to date as they are drawn (``_prepare_row``). When
        False (speedups off, another Textual, a layout the fast path does not draw), a
        subclass must bring every row up to date before it is drawn."""
        return self._is_plain_layout()

    def set_cells(self, row_key: RowKey, values: dict[ColumnKey, Any]) -> None:
        """Give a row's cells new values. The fast path writes them in place and renders
        the row again; otherwise DataTable's own ``update_cell`` does it (its caches are
        keyed by a count only ``update_cell`` moves)."""
        if self._is_plain_layout():
            row = self._data[row_key]
            for column_key, value in values.items():
                row[column_key] = value
            self.row_changed(row_key.value)
            return
        for column_key, value in values.items():
            DataTable.update_cell(self, row_key, column_key, value)

    def update_cell(
        self, row_key: RowKey | str, column_key: ColumnKey | str, value: Any, **kwargs: Any
    ) -> None:
        self.row_changed(getattr(row_key, "value", row_key))
        super().update_cell(row_key, column_key, value, **kwargs)

    def _text_cell(
        self, text: Text, pre_style: Style, post_style: Style, width: int, pad: int
    ) -> list[Segment]:
        """What DataTable's ``_render_cell`` makes of a one-line Text cell, without its
        Styled(Padding(...)) detour through ``console.render_lines`` (four times the work).
        The snapshot tests hold it to the same output."""
        inner = max(0, width - 2 * pad)
        line = one_line(text, inner, self.app.console)
        if line is None:  # wraps, overflows or centres: rich's own layout
            options = self.app.console_options.update_dimensions(inner, 1).update(no_wrap=True)
            rendered = self.app.console.render(text, options)
            lines = Segment.split_and_crop_lines(rendered, inner, pad=True, include_new_lines=False)
            line = next(iter(lines), [Segment(" " * inner)])
        if pad:
            line = [Segment(" " * pad), *line, Segment(" " * pad)]
        # Padding and text usually share a style: one segment instead of four makes every later
        # step of the paint (filters, the compositor's cuts) cheaper for the whole line.
        return list(Segment.simplify(Segment.apply_style(line, pre_style, post_style)))

    def _clear_caches(self) -> None:
        super()._clear_caches()
        # theme, style or structure changed: everything below may render differently
        self._row_lines.clear()
        self._row_styles.clear()
        self._cell_meta.clear()
        self._strips.clear()

    def fast_path_available(self) -> bool:
        """This Textual's DataTable has the internals the fast path was written against."""
        available: bool | None = getattr(type(self), "_fast_path", None)
        if available is None:
            needed: list[tuple[object, str]] = [(DataTable, name) for name in DATATABLE_INTERNALS]
            needed += [(self, name) for name in INSTANCE_INTERNALS]
            available = line_crop is not None and internals_present("row_table", needed)
            type(self)._fast_path = available  # type: ignore[attr-defined]  # cached per class
        return available

    def _is_plain_layout(self) -> bool:
        """Row cursor, no fixed rows or columns, no row labels: the layout the fast paths
        below reproduce (anything else goes through DataTable's own code)."""
        return (
            self.fast_path_available()
            and self.cursor_type == "row"
            and not self.fixed_columns
            and not self.fixed_rows
            and not (self._labelled_row_exists and self.show_row_labels)
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self._is_plain_layout():
            return super().render_lines(crop)
        self._pseudo_class_state = self.get_pseudo_class_state()
        scroll_x, scroll_y = self.scroll_offset
        columns = self.ordered_columns  # a property that sorts on every call
        self._frame = Frame(
            base_style=self.rich_style,
            show_cursor=self.show_cursor,
            show_hover=self._show_hover_cursor,
            foreground_css=self.cursor_foreground_priority == "css",
            background_css=self.cursor_background_priority == "css",
            widths=[column.get_render_width(self) for column in columns],
            column_keys=[column.key for column in columns],
            width=self.size.width,
            header_height=self.header_height if self.show_header else 0,
            scroll_x=scroll_x,
            scroll_y=scroll_y,
            cursor=self.cursor_coordinate,
            hover=self.hover_coordinate,
        )
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        frame = self._frame
        if frame is None:
            return super().render_line(y)
        if y >= frame.header_height:
            y += frame.scroll_y
        return self._render_line(y, frame.scroll_x, frame.scroll_x + frame.width, frame.base_style)

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[SegmentLines, SegmentLines]:
        frame = self._frame
        row_index = self._row_locations.get(row_key)
        if frame is None or row_index is None:
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        self._prepare_row(row_key)
        show_cursor, show_hover = frame.show_cursor, frame.show_hover
        cursor = cursor_location.row == row_index
        hover = hover_location.row == row_index
        state: tuple[object, ...] = (
            line_no,
            row_index,
            base_style,
            cursor,
            hover,
            show_cursor,
            show_hover,
            self._pseudo_class_state,
        )
        state += (frame.width,)
        version = self._row_versions.get(row_key.value, 0)
        shown = self._row_lines.get(row_key)
        if shown is not None and shown.state == state and shown.version == version:
            return shown.lines
        reusable = shown is not None and shown.state == state
        row_data = self._data.get(row_key, {})
        values = [row_data.get(key) for key in frame.column_keys]
        widths = frame.widths
        row_style = self._row_style(row_index, base_style)
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            show_cursor,
            show_hover,
            frame.foreground_css,
            frame.background_css,
        )
        padding = self.cell_padding
        cells: list[list[Segment]] = []
        for column_index, (value, cell_width) in enumerate(zip(values, widths, strict=True)):
            if (
                reusable
                and shown is not None
                and column_index < len(shown.values)
                and shown.values[column_index] is value
                and shown.widths[column_index] == cell_width
            ):
                cells.append(shown.cells[column_index])
            elif isinstance(value, Text):
                pre_style = row_style + self._meta(row_index, column_index) + component_style
                cells.append(self._text_cell(value, pre_style, post_style, cell_width, padding))
            else:
                rendered = self._render_cell(row_index, column_index, row_style, cell_width, cursor, hover)
                cells.append(rendered[line_no])
        extend_style, _ = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, show_cursor, show_hover, False, False
        )
        extend_style = row_style + extend_style + self._meta(row_index, -1)
        extension = [Segment(" " * max(0, frame.width - sum(widths)), extend_style)]
        lines: tuple[SegmentLines, SegmentLines] = ([], [*cells, extension])
        self._row_lines[row_key] = RenderedRow(state, version, values, widths, cells, lines)
        return lines

    def _meta(self, row_index: int, column_index: int) -> Style:
        """The click target of a cell (one Style per cell, not one per render)."""
        meta = self._cell_meta.get((row_index, column_index))
        if meta is None:
            # column -1: the padding right of the last column (DataTable's "out of bounds" cell)
            data = {"row": row_index, "column": column_index}
            if column_index < 0:
                data = {"row": row_index, "column": 0, "out_of_bounds": True}
            meta = self._cell_meta[row_index, column_index] = Style.from_meta(data)
        return meta

    def _row_style(self, row_index: int, base_style: Style) -> Style:
        """Zebra stripe styles, looked up once per theme (not once per row per frame)."""
        key = (row_index % 2 if self.zebra_stripes else -1, base_style)
        style = self._row_styles.get(key)
        if style is None:
            style = self._row_styles[key] = self._get_row_style(row_index, base_style)
        return style

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """One screen line, cached while its row's rendering is the same object."""
        frame = self._frame
        if frame is None:
            return super()._render_line(y, x1, x2, base_style)
        try:
            row_key, line_no = self._get_offsets(y)
        except LookupError:
            return super()._render_line(y, x1, x2, base_style)
        pair = self._render_line_in_row(row_key, line_no, base_style, frame.cursor, frame.hover)
        width = frame.width
        key = (y, x1, x2, width, base_style)
        hit = self._strips.get(key)
        if hit is not None and hit[0] is pair:
            return hit[1]
        segments = list(chain.from_iterable(pair[1]))  # the plain layout has no fixed part
        if x1 or sum(frame.widths) > x2:  # scrolled sideways or wider than the window
            segments = line_crop(segments, x1, x2, width)
            strip = Strip(segments).adjust_cell_length(width, base_style).simplify()
        else:  # the row ends in padding to the window's width: exactly one line long
            strip = Strip(segments, width)
        if len(self._strips) > MAX_CACHED_LINES:
            self._strips.clear()
        self._strips[key] = (pair, strip)
        return strip
