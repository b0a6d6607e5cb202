"""A finished list drawn by one widget, as Textual's list of widgets draws it.

Textual composes a Markdown list as a widget per part: each item is a row, its bullet, a
column and a paragraph (four widgets), so a five-point list is 21 widgets. Every layout of
the screen (one per block a streaming answer mounts) arranges every widget in it: in a
list-heavy 2,000-token answer (565 widgets) a layout took 13-56 ms by the end. A list that
is finished (a block follows it, the answer ended, or it comes from the history) is drawn
here by one widget: its bullets and paragraphs as the same cells.

Only lists whose items hold paragraphs and such lists are drawn so; any other list (a code
block or quote in an item) keeps Textual's widgets.

Delete when: a Textual whose Markdown lists are drawn by fewer widgets; or when ``NAETRA_SPEEDUPS=0 python benchmarks/ui.py --only chat``
meets the chat-stream stall within 20 ms on the list-heavy answer without it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets.markdown import MarkdownBlock

from .streamed_list import _TEXTUAL, _items, _symbols

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual.style import Style

BULLET = "flat-list--bullet"


@dataclass(frozen=True)
class ListRows:
    """A list's rows: each a bullet and the paragraphs (or lists) beside it."""

    rows: tuple[tuple[str, tuple[Content | ListRows, ...]], ...]

    @property
    def plain(self) -> str:
        lines = []
        for symbol, parts in self.rows:
            text = "\n".join(part.plain for part in parts)
            lines.append(symbol.strip() + " " + text.replace("\n", "\n  "))
        return "\n".join(lines)


def _is_list(block: Any) -> bool:
    return _TEXTUAL is not None and isinstance(block, _TEXTUAL.bullet_list | _TEXTUAL.ordered_list)


def rows_from_parsed(block: MarkdownBlock) -> ListRows | None:
    """The rows of a freshly parsed (unmounted) list; None if an item holds another block."""
    if _TEXTUAL is None or not _is_list(block):
        return None
    items = _items(block)
    rows = []
    for item, symbol in zip(items, _symbols(block), strict=True):
        parts: list[Content | ListRows] = []
        for child in item._blocks:
            if isinstance(child, _TEXTUAL.paragraph):
                parts.append(child._content)
            elif _is_list(child):
                nested = getattr(child, "list_rows", None) or rows_from_parsed(child)
                if nested is None:
                    return None
                parts.append(nested)
            else:
                return None
        rows.append((symbol, tuple(parts)))
    return ListRows(tuple(rows)) if rows else None


def rows_from_mounted(widget: Widget) -> ListRows | None:
    """The rows of a list mounted as Textual composes it; None for another shape."""
    if _TEXTUAL is None or not _is_list(widget):
        return None
    if isinstance(widget, FlatListMixin) and widget.list_rows is not None:
        return widget.list_rows
    rows = []
    for row in widget.children:
        columns = list(row.children)  # Horizontal(bullet, Vertical(blocks...))
        if len(columns) != 2 or not isinstance(columns[0], _TEXTUAL.bullet):
            return None
        parts: list[Content | ListRows] = []
        for child in columns[1].children:
            if isinstance(child, _TEXTUAL.paragraph):
                parts.append(child._content)
            elif (nested := rows_from_mounted(child)) is not None:
                parts.append(nested)
            else:
                return None
        rows.append((str(columns[0].symbol), tuple(parts)))  # type: ignore[attr-defined]
    return ListRows(tuple(rows)) if rows else None


class ListVisual(Visual):
    """Draws rows as Textual's Horizontal(bullet, Vertical(paragraphs)) rows draw them."""

    def __init__(self, rows: ListRows) -> None:
        self.rows = rows

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width  # (a list is 1fr wide)

    def get_height(self, rules: RulesMap, width: int) -> int:
        total = 0
        for symbol, parts in self.rows.rows:
            inner = max(0, width - cell_len(symbol))
            total += max(1, sum(_visual(part).get_height(rules, inner) for part in parts))
        return total

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        # a part's text selection is its own widget's in Textual's list: none is shown here
        options = replace(options, selection=None, selection_style=None)
        # Textual pads a paragraph's lines with its background only, and its bullet widget
        # is as tall as the row: the lines under a bullet carry the bullet's colour
        pad = RichStyle(bgcolor=style.rich_style.bgcolor)
        bullet_style = style + options.get_style(f".{BULLET}")
        under_bullet = bullet_style.rich_style
        lines: list[Strip] = []
        for symbol, parts in self.rows.rows:
            size = cell_len(symbol)
            inner = max(0, width - size)
            body: list[Strip] = []
            for part in parts:
                strips = _visual(part).render_strips(inner, None, style, options)
                body.extend(strip.extend_cell_length(inner, pad) for strip in strips)
            body = body or [Strip.blank(inner, pad)]
            bullet = Content(symbol).stylize(f".{BULLET}").render_strips(size, None, style, options)
            column = [
                (bullet[0] if bullet else Strip.blank(size, under_bullet)).extend_cell_length(
                    size, under_bullet
                )
            ]
            column += [Strip.blank(size, under_bullet)] * (len(body) - 1)
            lines.extend(Strip.join([left, right]) for left, right in zip(column, body, strict=True))
        return lines[:height] if height is not None else lines


def _visual(part: Content | ListRows) -> Visual:
    return ListVisual(part) if isinstance(part, ListRows) else part


class FlatListMixin:
    """Mixed into Textual's list blocks: a list of paragraphs is one widget (no children)."""

    list_rows: ListRows | None = None

    def compose(self) -> Any:
        if self.list_rows is None:
            self.list_rows = rows_from_parsed(self)  # type: ignore[arg-type]
        if self.list_rows is None:
            yield from super().compose()  # type: ignore[misc]
            return
        self._blocks.clear()  # type: ignore[attr-defined]

    def render(self) -> Any:
        if self.list_rows is None:
            return super().render()  # type: ignore[misc]
        return ListVisual(self.list_rows)

    def set_rows(self, rows: ListRows) -> None:
        """Show other rows (the same list restyled)."""
        if rows != self.list_rows:
            self.list_rows = rows
            self.refresh(layout=True)  # type: ignore[attr-defined]

    def get_selection(self, selection: Any) -> tuple[str, str] | None:
        return (selection.extract(self.list_rows.plain), "\n") if self.list_rows else None


def _flat_class(name: str, base: type[MarkdownBlock]) -> type[MarkdownBlock]:
    # the bullets' colour as Textual's MarkdownBullet has it
    css = f"{name} > .{BULLET} {{ color: $text-primary; }}\n{name}:light > .{BULLET} {{ color: $text-secondary; }}"
    namespace = {"DEFAULT_CSS": css, "COMPONENT_CLASSES": {BULLET}}
    return type(name, (FlatListMixin, base), namespace)


FLAT_LISTS: dict[str, type[MarkdownBlock]] = (
    {
        "bullet_list_open": _flat_class("FlatBulletList", _TEXTUAL.bullet_list),
        "ordered_list_open": _flat_class("FlatOrderedList", _TEXTUAL.ordered_list),
    }
    if _TEXTUAL is not None
    else {}
)


def _flat_list(like: MarkdownBlock, rows: ListRows) -> MarkdownBlock:
    kind = "ordered_list_open" if isinstance(like, _TEXTUAL.ordered_list) else "bullet_list_open"  # type: ignore[union-attr]
    flat = FLAT_LISTS[kind](like._markdown, like._token)
    flat.list_rows = rows  # type: ignore[attr-defined]
    flat.source_range = like.source_range
    return flat


def flattened(widget: Widget) -> MarkdownBlock | None:
    """A one-widget copy of list ``widget`` (mounted, or parsed and not yet mounted) to put
    in its place; None if it is not such a list or already one widget."""
    if not FLAT_LISTS or isinstance(widget, FlatListMixin) or not isinstance(widget, MarkdownBlock):
        return None
    rows = rows_from_mounted(widget) if widget.is_attached else rows_from_parsed(widget)
    return _flat_list(widget, rows) if rows is not None else None


def restyle_flat(old: Widget, new: MarkdownBlock) -> bool:
    """Give a mounted flat list the rows of ``new`` (the same answer restyled); False if
    ``old`` is not a flat list or ``new`` cannot be one."""
    if not (FLAT_LISTS and isinstance(old, FlatListMixin)):
        return False
    rows = rows_from_parsed(new)
    if rows is None or isinstance(new, _TEXTUAL.ordered_list) != isinstance(old, _TEXTUAL.ordered_list):  # type: ignore[union-attr]
        return False
    old.set_rows(rows)
    return True
