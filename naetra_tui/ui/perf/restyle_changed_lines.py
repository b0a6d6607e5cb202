"""Restyle only the lines whose content changed when a whole widget is refreshed.

When a widget is refreshed as a whole (a reactive changed, its size changed), Textual throws
away every line it has styled and styles each one again when the screen is painted: ~50-70 us a
line, so ~3 ms for a 45-line scroll bar whose thumb moved one line and ~2 ms for the blank
background of a tall container whose height grew. While a chat answer streams, the
conversation's scroll bar, its scroll container and the answer's Markdown container are each
refreshed that way on every layout, and that was a quarter of such a frame.

A widget with this mixin keeps the styled lines through such a refresh. At the next paint it
renders its content again (cheap for these widgets) and keeps a styled line only where the new
content line equals the old one and nothing else a styled line depends on has changed (width,
colours behind it, gutter, tint, opacity, text opacity); every other line is styled afresh.
Only for widgets with no top or bottom gutter: their screen line y is content line y.

``ReuseLastRender`` goes one step further for a widget painted again with nothing changed:
it returns the lines it returned last time (see there).

tests/ui/test_restyle_changed_lines.py compares both with Textual's own output line by line.

Delete when: a Textual that restyles only changed lines on a whole-widget refresh; or when ``NAETRA_SPEEDUPS=0 python benchmarks/ui.py --only chat``
meets the chat-stream stall within 20 ms and scrolling a long chat within 50 ms without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

from .guard import internals_present


def _styles_cache_usable(widget: Widget) -> bool:
    """The styles and render caches these mixins read are where they were (checked once)."""
    usable = _CACHES_USABLE.get(type(widget))
    if usable is None:
        cache = getattr(widget, "_styles_cache", None)
        usable = internals_present(
            "restyle_changed_lines",
            [
                (widget, "_styles_cache"),
                (widget, "_render_cache"),
                (widget, "_dirty_regions"),
                (widget, "_render_content"),
            ]
            + ([(cache, "_cache"), (cache, "_dirty_lines")] if cache is not None else []),
        )
        _CACHES_USABLE[type(widget)] = usable
    return usable


_CACHES_USABLE: dict[type, bool] = {}


@dataclass(frozen=True)
class _Kept:
    styled: dict[int, Strip]  # line -> styled line, as Textual's styles cache held them
    content: list[Strip]  # the content lines they were styled from
    look: tuple[Any, ...]  # what else they depend on


class RestyleChangedLines:
    """Mixin for a Widget (a plain mixin: as a Widget subclass it would change the CSS its
    users get); put it before the widget class in the bases."""

    _kept: _Kept | None = None
    _styled_look: tuple[Any, ...] | None = None

    def _look(self) -> tuple[Any, ...] | None:
        """What a styled line depends on besides its content; None if lines may depend on
        their position (a top or bottom gutter: borders, padding)."""
        widget: Widget = self  # type: ignore[assignment]
        styles = widget.styles
        gutter = styles.gutter
        if gutter.top or gutter.bottom:
            return None
        return (
            widget.outer_size.width,
            gutter,
            widget.background_colors,
            styles.border,
            styles.tint,
            styles.text_opacity,
            styles.hatch if styles.has_rule("hatch") else None,
            widget.opacity,
            widget.app.ansi_theme,
            widget.app.native_ansi_color,
        )

    def _set_dirty(self, *regions: Region) -> None:
        widget: Widget = self  # type: ignore[assignment]
        whole = not regions or (len(regions) == 1 and regions[0].size == widget.outer_size)
        if whole and self._kept is None and self._styled_look is not None and _styles_cache_usable(widget):
            cache = widget._styles_cache
            dirty = cache._dirty_lines
            styled = {y: line for y, line in cache._cache.items() if y not in dirty}
            if styled:
                self._kept = _Kept(styled, list(widget._render_cache.lines), self._styled_look)
        super()._set_dirty(*regions)  # type: ignore[misc]

    def render_lines(self, crop: Region) -> list[Strip]:
        kept = self._kept
        if kept is not None:
            self._kept = None
            self._keep_unchanged(kept)
        lines: list[Strip] = super().render_lines(crop)  # type: ignore[misc]
        # what the lines just styled depended on (read now: by the time of the next
        # refresh a style may already have changed, and the lines kept must be compared
        # with the state they were styled in)
        self._styled_look = self._look()
        return lines

    def _keep_unchanged(self, kept: _Kept) -> None:
        widget: Widget = self  # type: ignore[assignment]
        if widget._dirty_regions:
            widget._render_content()  # as the first line styled would, before we compare
        if self._look() != kept.look:  # (the look holds the width too)
            return
        cache = widget._styles_cache
        for y, line in enumerate(widget._render_cache.lines):
            styled = kept.styled.get(y)
            if styled is not None and y < len(kept.content) and kept.content[y] == line:
                cache._cache[y] = styled
                cache._dirty_lines.discard(y)


class QuickScrollBar(RestyleChangedLines, ScrollBar):
    """A scroll bar that restyles only the lines where the thumb was or is."""


class QuickVerticalScrollBar:
    """Mixin for a scrolling container: its vertical scroll bar is a QuickScrollBar (made as
    Textual's ``Widget.vertical_scrollbar`` makes its own)."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        widget: Widget = self  # type: ignore[assignment]
        if not internals_present(
            "quick_scrollbar", [(widget, "_vertical_scrollbar"), (widget.app, "_start_widget")]
        ):
            return super().vertical_scrollbar  # type: ignore[misc]
        if widget._vertical_scrollbar is None:
            bar = QuickScrollBar(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
            bar.display = False
            widget._vertical_scrollbar = bar
            widget.app._start_widget(widget, bar)
        return widget._vertical_scrollbar


@dataclass(frozen=True)
class _LastRender:
    crop: Region
    filters: tuple[Any, ...]
    hover_style: Any
    styled: tuple[Strip | None, ...]  # the styled lines it was made from
    lines: list[Strip]


class ReuseLastRender:
    """Mixin for a Widget painted again unchanged on most frames (a finished paragraph of
    a chat answer while the view scrolls or the answer grows below it).

    Each paint asks every visible widget for its lines; Textual looks up the colours behind
    it through its ancestors, the filters, its opacity and more before finding every line in
    its styles cache: ~0.1 ms a widget, a millisecond a frame for a screen of paragraphs.
    Asked for the same part, with the same filters and hover style, while the styles cache
    still holds the very lines the last answer was made from, this returns that answer.
    Anything that restyles a line replaces it in that cache, so the answer is not reused."""

    _last_render: _LastRender | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        widget: Widget = self  # type: ignore[assignment]
        if not _styles_cache_usable(widget):
            return super().render_lines(crop)  # type: ignore[misc]
        cache = widget._styles_cache
        filters = tuple(widget.app.get_line_filters())
        hover_style = widget.hover_style
        last = self._last_render
        if (
            last is not None
            and last.crop == crop
            and last.hover_style is hover_style
            and len(last.filters) == len(filters)
            and all(a is b for a, b in zip(last.filters, filters, strict=True))
            and not any(y in cache._dirty_lines for y in crop.line_range)
            # (same crop: as many lines as last time)
            and all(cache._cache.get(y) is line for y, line in zip(crop.line_range, last.styled, strict=True))
        ):
            return last.lines
        lines: list[Strip] = super().render_lines(crop)  # type: ignore[misc]
        styled = tuple(cache._cache.get(y) for y in crop.line_range)
        self._last_render = _LastRender(crop, filters, hover_style, styled, lines)
        return lines
