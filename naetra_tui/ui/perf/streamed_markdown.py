"""A Markdown widget whose streamed paragraphs repaint only what a write changed.

Each streamed write re-sets the answer's last paragraph. Textual's paragraph then asks for a
layout (which repaints the whole conversation, ~15 ms here at 160x50) and re-renders every one
of its lines. A few more words usually fit on the paragraph's last line: then the height is
unchanged, no layout is needed, and since greedy wrapping keeps the lines before the last one
as they were, only the last line needs painting again.

Delete when: a Textual paragraph that repaints only what a streamed write changed; or when ``NAETRA_SPEEDUPS=0 python benchmarks/ui.py --only chat``
meets the chat-stream stall within 20 ms without it.
"""

from __future__ import annotations

import functools
from typing import Any

from markdown_it import MarkdownIt
from textual.await_complete import AwaitComplete
from textual.content import Content
from textual.geometry import Region, Size
from textual.visual import Visual, VisualType, visualize
from textual.widget import Widget
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownBlock

from . import quick_link_pretest
from .flat_list import FLAT_LISTS, flattened, restyle_flat
from .guard import internals_present
from .restyle_changed_lines import RestyleChangedLines, ReuseLastRender
from .streamed_list import streamed_lists, update_in_place


def _textual_paragraph() -> type[MarkdownBlock] | None:
    """Textual's (private) paragraph block, if it is still what StreamedParagraph extends."""
    try:
        from textual.widgets import _markdown
    except ImportError:
        _markdown = None  # type: ignore[assignment]  # a Textual without it: the guard says so
    paragraph = getattr(_markdown, "MarkdownParagraph", None)
    needed = [(_markdown, "MarkdownParagraph"), (paragraph, "set_content"), (Widget, "_size_updated")]
    needed += [(Widget, "_set_dirty"), (Static, "content")]
    ok = internals_present("streamed_markdown", needed) and isinstance(
        Static.__dict__.get("content"), property
    )
    return paragraph if ok else None


#: None when this Textual differs: answers then stream with Textual's own paragraphs.
MarkdownParagraph = _textual_paragraph()


def grew_at_end(old: Content, new: Content) -> bool:
    """True if ``new`` is ``old`` (text and styles) with more appended."""
    size = len(old.plain)
    return new.plain.startswith(old.plain) and new[:size].is_same(old)


@functools.cache
def shared_parser() -> MarkdownIt:
    """The parser Textual's Markdown uses by default, made once, with a cheaper first look
    for links (see quick_link_pretest) — and raw HTML off: a model's ``<data>`` or ``<b>`` is
    shown as the text it is, not dropped from the answer without a trace."""
    parser = MarkdownIt("gfm-like", {"html": False})
    quick_link_pretest.install(parser.linkify)
    return parser


def whole_area(widget: Widget) -> tuple[Region, ...]:
    """The widget's whole area as last laid out, in the content coordinates ``_set_dirty``
    takes; () before its first layout.

    Textual's own refresh() without regions looks the widget's size up in the compositor,
    which after any layout change (a streaming answer scrolls the view on most writes)
    arranges the whole screen again: 1-3 ms per streamed write, twice. The size the widget
    was last given serves as well: if the layout changes it, the compositor repaints the
    widget's new area anyway.
    """
    if not widget.outer_size:
        return ()
    left, top = widget.content_offset
    width, height = widget.outer_size
    return (Region(-left, -top, width, height),)


_SKIP_SECOND_LAYOUT = internals_present("one_layout_per_resize", [(Widget, "_size_updated")])


class OneLayoutPerResize:
    """Textual sets a widget's virtual size during a layout through a reactive that asks for
    another full layout of the screen (an arrange and repaint, ~2-4 ms in a long chat). For a
    widget whose virtual size nothing else is laid out by, that second layout changes
    nothing: a scroll container's scrollbars are updated in the same step and ask for their
    own layout when they appear or go, and Textual's own ScrollView skips it the same way."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # (a mixin, not a Widget: as a Widget subclass it would change the CSS its users get)
        resized: bool = super()._size_updated(  # type: ignore[misc]
            size, virtual_size, container_size, layout=layout and not _SKIP_SECOND_LAYOUT
        )
        return resized


class StreamedParagraph(ReuseLastRender, OneLayoutPerResize, MarkdownParagraph or MarkdownBlock):  # type: ignore[misc]
    # What set_content() set, kept here rather than through Static.update(), which would
    # repaint every line; ``visual``, ``content`` and render() all answer with it.
    _visual_now: Visual | None = None

    @property
    def visual(self) -> Visual:
        return self._visual_now if self._visual_now is not None else super().visual

    @property
    def content(self) -> VisualType:
        return self._content if self._visual_now is not None else super().content

    @content.setter
    def content(self, content: VisualType) -> None:
        self._visual_now = None
        Static.content.fset(self, content)  # type: ignore[attr-defined]

    def render(self) -> Visual:
        return self.visual

    _grown: tuple[int, int, int] | None = None  # (content width, first line that may differ, height)

    def _set_dirty(self, *regions: Region) -> None:
        if not regions:
            grown = self._grown
            if grown is not None and grown[0] == self.outer_size.width - self.styles.gutter.width:
                width, first, height = grown
                regions = (Region(0, first, width, height - first),)
            else:
                regions = whole_area(self)
        super()._set_dirty(*regions)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        try:
            return super()._size_updated(size, virtual_size, container_size, layout)
        finally:
            self._grown = None  # the new size is in place: later repaints are whole again

    _room = 0  # lines laid out for the text while it streams (0: as many as it has)

    @property
    def room(self) -> int:
        return self._room

    def keep_room(self, lines: int) -> None:
        """Be laid out at least ``lines`` tall: the text grows into them without a layout."""
        if lines == self._room:
            return
        width, laid_out = self.size
        if width:  # its text is unchanged: only lines between the old and the new bottom change
            self._expect_change(width, laid_out, max(lines, self.text_height()))
        self._room = lines
        self.styles.min_height = lines + self.styles.gutter.height if lines else None

    def _expect_change(self, width: int, old_height: int, new_height: int) -> None:
        """The next layout changes this many lines only (see _set_dirty), merged with any
        change already expected before that layout."""
        first, last = min(old_height, new_height), max(old_height, new_height)
        if self._grown is not None and self._grown[0] == width:
            first, last = min(first, self._grown[1]), max(last, self._grown[2])
        self._grown = (width, first, last)

    def text_height(self) -> int:
        """Lines the text takes at the width last laid out (not counting the room kept)."""
        _, height = self._content_height_cache
        if height is not None:
            return height
        return self.visual.get_height(self.styles, self.size.width) if self.size.width else 0

    def set_content(self, content: Content) -> None:
        # (Textual's own attributes, untyped there)
        width, height = self._content_height_cache  # type: ignore[has-type]  # from the last layout
        old = self._content  # type: ignore[has-type]
        self._content = content
        self._visual_now = visual = visualize(self, content)
        if width is None or height is None or not self.is_mounted:
            self.refresh(layout=True)
            return
        # as Widget.get_content_height measures a non-container (its cache holds the old text)
        new_height = visual.get_height(self.styles, width)
        grew = bool(height) and grew_at_end(old, content)
        if max(new_height, self._room) != max(height, self._room):
            # A paragraph that gained lines keeps the ones before its old last line: the
            # repaint that follows (now, and when the layout gives it its new size) need only
            # cover the lines from there down, not all of a long paragraph's lines.
            if grew and new_height > height:
                self._expect_change(width, max(0, height - 2), new_height)
            else:
                self._grown = None
            self.refresh(layout=True)
        elif grew:
            # the last line changed (the one before too if its last word moved down), and
            # lines below it if the text grew into the room kept for it
            first = max(0, height - 2)
            self.refresh(Region(0, first, width, max(height, new_height) - first))
        else:
            self.refresh()
        # refresh() forgot the height; it was just measured with this text at this width, so
        # the layout need not wrap the paragraph again (another width misses this cache)
        self._content_height_cache = (width, new_height)


RESERVE_LINES = 8  # blank lines kept below a streaming answer, renewed in steps
RESERVE_MIN = 4  # ...fewer in a small view, where 8 blank lines were half of what it shows


def lines_to_reserve(view_height: int) -> int:
    """Blank lines to keep below a streaming answer in a view this tall."""
    return max(RESERVE_MIN, min(RESERVE_LINES, view_height // 3))


class StreamedMarkdown(RestyleChangedLines, OneLayoutPerResize, Markdown):
    """Markdown for a streaming answer.

    While it streams, ``reserve_ahead()`` keeps a few blank lines below the text and renews
    them in steps. An answer that grew by a line changed the conversation's scrollable height,
    and Textual repaints the whole visible conversation for that (~15 ms at 160x50); with the
    lines reserved, that happens every few lines instead of every line, and in between only
    the growing paragraph is repainted.
    """

    BLOCKS: dict[str, type[MarkdownBlock]] = {
        **Markdown.BLOCKS,
        **({"paragraph_open": StreamedParagraph} if MarkdownParagraph else {}),
        **streamed_lists(),  # lists grow in place rather than being remounted per write
    }
    _reserved = 0
    _room_holder: StreamedParagraph | None = None
    _finished = False  # the stream has ended: lists are parsed as one widget each

    def __init__(self, markdown: str | None = None, **kwargs: Any) -> None:
        # Markdown makes a new parser for every streamed write (~0.3 ms each); parsing keeps
        # no state in the parser, so one serves every write and every answer.
        kwargs.setdefault("parser_factory", shared_parser)
        super().__init__(markdown, **kwargs)

    def _set_dirty(self, *regions: Region) -> None:
        super()._set_dirty(*(regions or whole_area(self)))  # (refreshed after every mount)

    def reserve_ahead(self) -> None:
        """Call after each write while streaming (it is called again after each append the
        stream makes, so a block it added gets its room in the same update)."""
        blocks = list(self.children)
        used = sum(_lines_used(block) for block in blocks)
        if used + 2 >= self._reserved:
            view = self.parent.outer_size.height if isinstance(self.parent, Widget) else 0
            self._reserved = used + lines_to_reserve(view)
            self.styles.min_height = self._reserved
        # The reserved lines go to the paragraph being written, so that its next lines fall
        # into space it already has: no layout (which repaints the whole visible
        # conversation) until the reserve is renewed. Its room stays the same size while
        # its text grows into it, and never shrinks while it streams: a paragraph added by
        # the last write is measured before its first layout (no text, no margin yet), and
        # correcting its room by a line or two afterwards cost a layout of its own.
        last = blocks[-1] if blocks else None
        if isinstance(last, StreamedParagraph):
            room = last.text_height() + self._reserved - used
            if self._room_holder is not last:  # (a paragraph not holding the room has none)
                self._release_room()
                self._room_holder = last
            if room > last.room:
                last.keep_room(room)

    def append(self, markdown: str) -> AwaitComplete:
        appended = super().append(markdown)
        if not self._reserved:
            return appended

        async def append_then_reserve() -> None:
            await appended
            if self._reserved:  # (not released meanwhile: the stream may have ended)
                self.reserve_ahead()

        return AwaitComplete(append_then_reserve())

    def _release_room(self) -> None:
        if self._room_holder is not None:
            self._room_holder.keep_room(0)
            self._room_holder = None

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        if self._finished and block_name in FLAT_LISTS:
            return FLAT_LISTS[block_name]
        return super().get_block_class(block_name)

    def mount_all(self, widgets: Any, *args: Any, **kwargs: Any) -> Any:
        # A new block follows the paragraph holding the room: the room goes in the same
        # update (the answer's own reserve keeps its height, so nothing below moves).
        self._release_room()
        # ...and a list it follows is finished: one widget draws it from now on (fewer
        # widgets for every later layout to arrange), in the same update
        last = self.children[-1] if self.children and not (args or kwargs) else None
        flat = flattened(last) if last is not None else None
        if not (args or kwargs):  # (new blocks followed by another are finished too)
            widgets = list(widgets)
            widgets[:-1] = [flattened(widget) or widget for widget in widgets[:-1]]
        mounted = super().mount_all(widgets, *args, **kwargs)
        if flat is None or last is None:
            return mounted

        async def mount_then_flatten() -> None:
            await mounted
            await _swap(last, flat)

        return AwaitComplete(mount_then_flatten())

    async def finish(self, redraw: str | None = None) -> None:
        """The stream has ended: each list is drawn by one widget (see flat_list.py).

        ``redraw``: the answer, to draw it again whole (its blocks remounted, as after a
        fault or for fences and tables) rather than swap the lists already mounted.
        """
        self._finished = True
        if redraw is not None:
            await self.update(redraw)
            return
        for child in list(self.children):
            flat = flattened(child)
            if flat is not None:
                await _swap(child, flat)

    async def restyle(self, markdown: str) -> None:
        """Show ``markdown``, the answer as streamed with only its inline styling changed (the
        figures the check could not find set apart), in the blocks already mounted.

        Markdown.update() would remove every block and mount new ones (and parse in a thread
        that holds the GIL meanwhile): one more layout of the conversation, and a stall, just
        as the answer ends. Blocks of another kind or shape are replaced as update() does.
        """
        if not internals_present("streamed_markdown.restyle", [(Markdown, "_parse_markdown")]):
            await self.update(markdown)
            return
        new_blocks = list(self._parse_markdown(shared_parser().parse(markdown)))
        old_blocks = [child for child in self.children if isinstance(child, MarkdownBlock)]
        if len(new_blocks) == len(old_blocks):
            async with self.lock:
                in_place = True
                for old, new in zip(old_blocks, new_blocks, strict=True):
                    in_place = in_place and (restyle_flat(old, new) or await update_in_place(old, new))
            if in_place:
                self._markdown = markdown
                self._table_of_contents = None
                return
        await self.update(markdown)

    def release_reserve(self) -> None:
        """The stream has ended: the answer takes only the lines it needs."""
        self._release_room()
        self._reserved = 0
        self.styles.min_height = None


async def _swap(old: Widget, new: Widget) -> None:
    """Put ``new`` where ``old`` is (one update: the app batches the frame)."""
    parent = old.parent
    if isinstance(parent, Widget) and old.is_attached:
        with old.app.batch_update():
            await parent.mount(new, before=old)
            await old.remove()


class FinishedMarkdown(Markdown):
    """Markdown for an answer that has ended (the history): each list is one widget."""

    BLOCKS: dict[str, type[MarkdownBlock]] = {**Markdown.BLOCKS, **FLAT_LISTS}

    def __init__(self, markdown: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("parser_factory", shared_parser)
        super().__init__(markdown, **kwargs)


def _lines_used(block: Widget) -> int:
    """Lines a block of the answer takes, with its margins; a streaming paragraph's text
    only, not the room it holds."""
    margin = block.styles.margin.top + block.styles.margin.bottom
    if isinstance(block, StreamedParagraph):
        return block.text_height() + block.styles.gutter.height + margin
    return block.outer_size.height + margin
