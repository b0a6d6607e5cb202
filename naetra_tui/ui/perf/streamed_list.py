"""Lists that a streamed write updates in place.

Each streamed write re-parses the answer's last block. For a paragraph Textual sets the new
text on the widget it has; for anything else it removes the block and mounts a new one. A
list is the usual last block of a model's answer, and remounting it on every write (its
items, bullets and paragraphs: compose, styles, a layout) was about a third of the app's work
while such an answer streamed (1.1-1.3 s of CPU for a 500-character answer with a list at
160x50, 0.7-0.9 s in place). Here a list whose items so far are unchanged in shape keeps its
widgets: the paragraph being written gets its new text, and only new items or blocks are
mounted. Anything else (a numbering that got wider, an item that lost a block, a code block
in an item) falls back to Textual's remount.

Delete when: a Textual Markdown that updates a streamed list in place as it does a paragraph; or when ``NAETRA_SPEEDUPS=0 python benchmarks/ui.py --only chat``
meets the chat-stream stall within 20 ms on answers with lists without it.
"""

from __future__ import annotations

from typing import Any

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets.markdown import MarkdownBlock

from .guard import internals_present


class _Internals:
    """Textual's (private) Markdown blocks this module reads."""

    def __init__(self, markdown: Any) -> None:
        self.bullet_list: type[MarkdownBlock] = markdown.MarkdownBulletList
        self.ordered_list: type[MarkdownBlock] = markdown.MarkdownOrderedList
        self.bullet: type[Widget] = markdown.MarkdownBullet
        self.item: type[MarkdownBlock] = markdown.MarkdownListItem
        self.paragraph: type[MarkdownBlock] = markdown.MarkdownParagraph


def _textual_internals() -> _Internals | None:
    """None when this Textual differs: lists then stream with Textual's remount."""
    try:
        from textual.widgets import _markdown
    except ImportError:
        _markdown = None  # type: ignore[assignment]  # a Textual without it: the guard says so
    names = ["MarkdownBulletList", "MarkdownOrderedList", "MarkdownBullet", "MarkdownListItem"]
    names.append("MarkdownParagraph")
    needed: list[tuple[object, str]] = [(_markdown, name) for name in names] + [
        (MarkdownBlock, "_update_from_block")
    ]
    needed += [(MarkdownBlock, "_copy_context"), (getattr(_markdown, "MarkdownBullet", None), "symbol")]
    return _Internals(_markdown) if internals_present("streamed_list", needed) else None


_TEXTUAL = _textual_internals()


def _items(block: MarkdownBlock) -> list[MarkdownBlock]:
    assert _TEXTUAL is not None
    return [b for b in block._blocks if isinstance(b, _TEXTUAL.item)]


def _symbols(block: MarkdownBlock) -> list[str]:
    """The bullets Textual's compose gives this (unmounted) list's items."""
    assert _TEXTUAL is not None
    items = _items(block)
    if not isinstance(block, _TEXTUAL.ordered_list):
        return [item.bullet for item in items]  # type: ignore[attr-defined]
    try:
        start = int(items[0].bullet) if items else 1  # type: ignore[attr-defined]
    except ValueError:
        start = 1
    labels = [f"{number}. " for number in range(start, start + len(items))]
    size = max((len(label) for label in labels), default=0)
    return [label.rjust(size + 1) for label in labels]


async def update_in_place(old: Widget, new: MarkdownBlock) -> bool:
    """Bring mounted paragraph or list ``old`` up to ``new``; False if it cannot be in place
    (other kinds of block, or a list of another shape: the caller then replaces it)."""
    if _TEXTUAL is None or type(old) is not type(new):
        return False
    if isinstance(old, _TEXTUAL.bullet_list | _TEXTUAL.ordered_list):
        return await grow_list(old, new)
    if not isinstance(old, _TEXTUAL.paragraph):
        # a heading (or other text block) with the same text stays; a code block, table or
        # quote is remounted as Textual does
        same = isinstance(getattr(old, "_content", None), Content) and not old.children
        return same and old._content.is_same(getattr(new, "_content", None) or Content())
    if old._content.is_same(new._content):
        return True  # an item written before: nothing to repaint
    await old._update_from_block(new)
    return True


async def grow_list(old: MarkdownBlock, new: MarkdownBlock) -> bool:
    """Update mounted list ``old`` to the freshly parsed ``new`` in place, mounting only what
    is new. False if the shapes differ: the caller then replaces ``old`` whole."""
    assert _TEXTUAL is not None
    rows = list(old.children)
    items, symbols = _items(new), _symbols(new)
    if not rows or len(items) < len(rows):
        return False
    columns: list[Widget] = []
    for row, item, symbol in zip(rows, items, symbols, strict=False):
        parts = list(row.children)  # Textual composes an item as Horizontal(bullet, Vertical)
        if (
            len(parts) != 2
            or not isinstance(parts[0], _TEXTUAL.bullet)
            or getattr(parts[0], "symbol", None) != symbol
        ):
            return False
        if len(parts[1].children) > len(item._blocks):
            return False
        columns.append(parts[1])
    for column, item in zip(columns, items, strict=False):
        for child, block in zip(list(column.children), item._blocks, strict=False):
            if not await update_in_place(child, block):
                return False
    for column, item in zip(columns, items, strict=False):
        extra = item._blocks[len(column.children) :]
        if extra:
            await column.mount_all(extra)
    added = []
    for item, symbol in zip(items[len(rows) :], symbols[len(rows) :], strict=True):
        bullet = _TEXTUAL.bullet()
        bullet.symbol = symbol  # type: ignore[attr-defined]
        added.append(Horizontal(bullet, Vertical(*item._blocks)))
    if added:
        await old.mount_all(added)
    old._copy_context(new)
    return True


class InPlaceList:
    """Mixed into Textual's list blocks: a streamed write updates the list in place."""

    async def _update_from_block(self, block: MarkdownBlock) -> None:
        if type(block) is type(self) and await grow_list(self, block):
            return
        await super()._update_from_block(block)  # type: ignore[misc]


def streamed_lists() -> dict[str, Any]:
    """``Markdown.BLOCKS`` entries for lists that stream in place ({} if Textual differs)."""
    if _TEXTUAL is None:
        return {}
    streamed_bullets = type("StreamedBulletList", (InPlaceList, _TEXTUAL.bullet_list), {})
    streamed_ordered = type("StreamedOrderedList", (InPlaceList, _TEXTUAL.ordered_list), {})
    return {"bullet_list_open": streamed_bullets, "ordered_list_open": streamed_ordered}
