"""A widget that restyles only its changed lines must paint exactly what Textual's own
(restyle everything) would, and restyle few lines when little changed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from rich.style import Style as RichStyle
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.filter import NoColor
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from naetra_tui.ui.perf.restyle_changed_lines import (
    QuickScrollBar,
    QuickVerticalScrollBar,
    RestyleChangedLines,
    ReuseLastRender,
)
from tests.ui.conftest import needs_speedups

pytestmark = needs_speedups  # tests of the speedup itself


class Scroller(RestyleChangedLines, QuickVerticalScrollBar, VerticalScroll):
    pass


class Scrolling(App[None]):
    CSS = "Scroller { height: 20; background: $panel; } #filler { height: auto; }"

    def compose(self) -> ComposeResult:
        with Scroller():
            yield Static("\n".join(f"line {i}" for i in range(60)), id="filler")


@asynccontextmanager
async def scrolling() -> AsyncIterator[tuple[Scrolling, Pilot[None], Scroller]]:
    app = Scrolling()
    async with app.run_test(size=(40, 24)) as pilot:
        await pilot.pause()
        yield app, pilot, app.query_one(Scroller)


def stock_lines(widget: Widget) -> list[Strip]:
    """The widget's lines as Textual styles them from scratch (the mixin bypassed)."""
    Widget._set_dirty(widget)
    return Widget.render_lines(widget, Region(0, 0, *widget.outer_size))


def painted_lines(widget: Widget) -> list[Strip]:
    """The lines the last paint used (served from the widget's styles cache)."""
    return widget.render_lines(Region(0, 0, *widget.outer_size))


async def restyled_by(pilot: Pilot[None], widget: Widget, change: Callable[[], object]) -> list[int]:
    """Make the change and let the app paint; the widget must show what Textual's own
    styling shows. Returns the lines it restyled for the change."""
    cache = widget._styles_cache
    original = cache.render_line
    restyled: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Strip:
        restyled.append(args[1])
        return original(*args, **kwargs)

    cache.render_line = counted  # type: ignore[method-assign]
    try:
        change()
        await pilot.pause()
    finally:
        del cache.render_line
    assert painted_lines(widget) == stock_lines(widget)
    return restyled


async def test_scroll_bar_matches_textual_and_restyles_only_the_thumb() -> None:
    async with scrolling() as (_app, pilot, scroller):
        bar = scroller.vertical_scrollbar
        assert isinstance(bar, QuickScrollBar) and bar.display
        assert painted_lines(bar) == stock_lines(bar)
        previous = 0
        for y in (1, 2, 7, 8, 30, 40, 0):
            restyled = await restyled_by(pilot, bar, lambda y=y: scroller.scroll_to(y=y, animate=False))
            if abs(y - previous) <= 5:
                # a 20-line bar with a 7-line thumb that moved a line or two: its ends only
                # (a long move changes every line: above the thumb a click scrolls up, below
                # it down, and those lines carry that)
                assert 0 < len(restyled) <= 6, (y, restyled)
            previous = y


async def test_scroll_bar_follows_content_growth_hover_and_theme() -> None:
    async with scrolling() as (app, pilot, scroller):
        bar = scroller.vertical_scrollbar
        before = painted_lines(bar)
        filler = app.query_one("#filler", Static)
        await restyled_by(pilot, bar, lambda: filler.update("\n".join(f"line {i}" for i in range(200))))
        assert painted_lines(bar) != before  # the thumb shrank
        # a hovered bar takes other colours (here the thumb's only)
        assert await restyled_by(pilot, bar, lambda: setattr(bar, "mouse_over", True))
        await restyled_by(pilot, bar, lambda: setattr(bar, "mouse_over", False))
        for theme in ("textual-light", "textual-dark"):  # new colours: every line restyled
            assert len(await restyled_by(pilot, bar, lambda theme=theme: setattr(app, "theme", theme))) == 20


async def test_container_background_restyles_only_new_lines() -> None:
    async with scrolling() as (_app, pilot, scroller):
        assert painted_lines(scroller) == stock_lines(scroller)
        styles = scroller.styles
        # two more lines of background: only they are styled
        assert sorted(await restyled_by(pilot, scroller, lambda: setattr(styles, "height", 22))) == [20, 21]
        # another colour, or the same content under a tint: all of it
        assert len(await restyled_by(pilot, scroller, lambda: setattr(styles, "background", "red"))) == 22
        assert len(await restyled_by(pilot, scroller, lambda: setattr(styles, "tint", "green 40%"))) == 22
        await pilot.resize_terminal(50, 24)  # another width: all of it
        await pilot.pause()
        assert painted_lines(scroller) == stock_lines(scroller)


class Bordered(RestyleChangedLines, Static):
    DEFAULT_CSS = "Bordered { border: round red; height: 6; }"


async def test_a_widget_with_a_top_or_bottom_gutter_is_restyled_whole() -> None:
    class BorderedApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Bordered("text")

    app = BorderedApp()
    async with app.run_test(size=(30, 10)) as pilot:
        widget = app.query_one(Bordered)
        await pilot.pause()
        # the bottom border moves: its old line is now content
        assert len(await restyled_by(pilot, widget, lambda: setattr(widget.styles, "height", 8))) == 8


class Reusing(ReuseLastRender, Static):
    pass


async def test_a_repaint_with_nothing_changed_reuses_the_last_lines_and_nothing_else() -> None:
    class ReusingApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Reusing(Content.from_markup("see [@click=app.bell]the chart[/] for more"))

    app = ReusingApp()
    async with app.run_test(size=(30, 6)) as pilot:
        widget = app.query_one(Reusing)
        await pilot.pause()
        crop = Region(0, 0, *widget.outer_size)
        shown = widget.render_lines(crop)
        assert widget.render_lines(crop) is shown  # nothing changed: the same answer
        assert widget.render_lines(Region(0, 0, 10, 1)) == Widget.render_lines(widget, Region(0, 0, 10, 1))

        async def changed(change: Callable[[], object]) -> None:
            nonlocal shown
            change()
            await pilot.pause()
            now = widget.render_lines(crop)
            assert now == Widget.render_lines(widget, crop)  # what Textual itself paints
            assert now != shown
            shown = now

        link = next(s.style for s in shown[0] if s.style and "@click" in s.style.meta)
        await changed(lambda: setattr(widget, "hover_style", link))  # the link is hovered
        await changed(lambda: setattr(widget, "hover_style", RichStyle()))
        await changed(lambda: setattr(app, "theme", "textual-light"))
        await changed(lambda: app._filters.append(NoColor()))
        await changed(lambda: widget.update("other text"))
        # the same look, but not the same styled lines or the same filters: made again
        widget._styles_cache.clear()  # (as Textual's DataTable does to its own)
        assert widget.render_lines(crop) is not shown
        shown = widget.render_lines(crop)
        app._filters[-1] = NoColor()
        assert widget.render_lines(crop) is not shown
