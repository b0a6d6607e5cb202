"""The watchlist's own rendering paths against rich's and DataTable's.

The table renders rows itself (cached per row, cells re-rendered only when their value
changed, rows off screen recomputed when they scroll into view). These tests hold that
output to what rich and Textual's DataTable would have drawn, line by line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region

from naetra_tui.builtin.data_collectors.simulated_universe import KNOWN
from naetra_tui.services.market import QuoteRow
from naetra_tui.ui.formatting import fmt_price
from naetra_tui.ui.perf.row_table import one_line
from naetra_tui.ui.widgets.watchlist import WatchlistTable
from tests.ui.conftest import SPEEDUPS_OFF, app_config, make_app, needs_speedups, painted_lines, wait_for

SYMBOLS = [s for s, (_, _, kind) in KNOWN.items() if kind == "EQUITY" and s.isalpha() and s != "ON"][
    :40
]  # ON: a YAML boolean unquoted


def canonical(segments: list[Segment]) -> list[tuple[str, Style | None]]:
    """Same characters with the same look, however they are split into segments."""
    cells: list[tuple[str, Style | None]] = []
    for segment in segments:
        style = segment.style if segment.style else None  # Style.null() and None look the same
        cells.extend((char, style) for char in segment.text)
    return cells


def rich_line(text: Text, width: int, console: Console) -> list[Segment]:
    options = console.options.update_dimensions(width, 1).update(no_wrap=True)
    lines = Segment.split_and_crop_lines(
        console.render(text, options), width, pad=True, include_new_lines=False
    )
    return next(iter(lines))


def stale_age() -> Text:
    age = Text("15s")
    age.append(" STALE", style="bold red")
    return age


@pytest.mark.parametrize(
    "text",
    [
        Text("AAPL", style="bold"),
        Text(""),
        Text("575.50", justify="right"),
        Text("-0.23%", style="red", justify="right"),
        Text("exactly9!", justify="right"),
        Text("left", style="green", justify="left"),
        Text("株式会社", style="italic"),
        Text.assemble(("up ", "green"), ("down", "red on blue")),
        stale_age(),
    ],
    ids=repr,
)
def test_one_line_layout_is_what_rich_lays_out(text: Text) -> None:
    console = Console(width=80, color_system="truecolor")
    line = one_line(text, 9, console)
    assert line is not None
    assert canonical(line) == canonical(rich_line(text, 9, console))


@pytest.mark.parametrize(
    "text",
    [Text("far too long for the cell"), Text("two\nlines"), Text("tab\there"), Text("mid", justify="center")],
    ids=repr,
)
def test_what_one_line_cannot_lay_out_goes_to_rich(text: Text) -> None:
    assert one_line(text, 9, Console(width=80)) is None


def moved(rows: dict[str, QuoteRow], factor: float) -> dict[str, QuoteRow]:
    return {
        symbol: QuoteRow(symbol, row.quote.model_copy(update={"price": row.quote.price * factor}))
        for symbol, row in rows.items()
        if row.quote is not None
    }


def datatable_lines(table: WatchlistTable, region: Region) -> list[list[tuple[str, Style | None]]]:
    """The same lines drawn by DataTable's own code (our fast paths switched off)."""
    table._is_plain_layout = lambda: False  # type: ignore[method-assign]
    table._update_count += 1  # DataTable's caches are keyed by it
    table._styles_cache.clear()
    try:
        return [canonical(list(strip)) for strip in table.render_lines(region)]
    finally:
        del table._is_plain_layout
        table._styles_cache.clear()


def our_lines(table: WatchlistTable, region: Region) -> list[list[tuple[str, Style | None]]]:
    table._styles_cache.clear()
    return [canonical(list(strip)) for strip in table.render_lines(region)]


async def test_rows_drawn_after_updates_are_what_datatable_draws(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path, watchlist="[" + ", ".join(SYMBOLS) + "]"))
    async with app.run_test(size=(120, 20)) as pilot:
        await wait_for(pilot, lambda: app.ready and all(s in app.watchlist.rows for s in SYMBOLS))
        table = app.main_screen.table
        region = Region(0, 0, table.size.width, table.size.height)
        assert our_lines(table, region) == datatable_lines(table, region)
        moves = ["down", "down", "last row", "up", "first row"]
        for step, move in enumerate(moves):
            app.main_screen.show_rows(moved(app.watchlist.rows, 1.01 + step / 100), app.watchlist.sparks)
            if move == "last row":
                table.move_cursor(row=table.row_count - 1, animate=False)
            elif move == "first row":
                table.move_cursor(row=0, animate=False)
            else:
                await pilot.press(move)
            await pilot.pause()
            region = Region(0, 0, table.size.width, table.size.height)
            assert our_lines(table, region) == datatable_lines(table, region), f"after {move}"
        assert table.scroll_y == 0 and table.cursor_row == 0


async def test_a_row_off_screen_shows_its_new_price_when_scrolled_into_view(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path, watchlist="[" + ", ".join(SYMBOLS) + "]"))
    async with app.run_test(size=(120, 20)) as pilot:
        await wait_for(pilot, lambda: app.ready and all(s in app.watchlist.rows for s in SYMBOLS))
        table = app.main_screen.table
        last = SYMBOLS[-1]
        assert table.get_row_index(last) >= table.size.height  # below the window
        rows = moved(app.watchlist.rows, 1.5)
        app.main_screen.show_rows(rows, app.watchlist.sparks)
        await pilot.pause()
        expected = fmt_price(rows[last].quote.price)
        if not SPEEDUPS_OFF:
            assert last in table._pending  # not computed while off screen (the fast path's laziness)
        table.move_cursor(row=table.row_count - 1, animate=False)
        await pilot.pause()
        assert table.scroll_y > 0
        screen_text = "\n".join(strip.text for strip in table.render_lines(table.region.reset_offset))
        assert f"{last} " in screen_text and expected in screen_text
        assert table.get_cell(last, "last").plain == expected
        assert table.current_symbol() == last


async def test_reading_a_cell_off_screen_gives_the_new_value(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path, watchlist="[" + ", ".join(SYMBOLS) + "]"))
    async with app.run_test(size=(120, 20)) as pilot:
        await wait_for(pilot, lambda: app.ready and all(s in app.watchlist.rows for s in SYMBOLS))
        table = app.main_screen.table
        rows = moved(app.watchlist.rows, 2.0)
        app.main_screen.show_rows(rows, app.watchlist.sparks)
        last = SYMBOLS[-1]
        assert table.get_cell(last, "last").plain == fmt_price(rows[last].quote.price)
        assert table.get_row(last)[2].plain == fmt_price(rows[last].quote.price)


@needs_speedups
async def test_an_update_recomputes_exactly_the_rows_on_screen_and_repaints_them(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path, watchlist="[" + ", ".join(SYMBOLS) + "]"))
    async with app.run_test(size=(120, 20)) as pilot:
        await wait_for(pilot, lambda: app.ready and all(s in app.watchlist.rows for s in SYMBOLS))
        table = app.main_screen.table
        table.move_cursor(row=25, animate=False)  # scrolled: rows above and below are off screen
        await pilot.pause()
        top = table.scroll_offset.y
        shown = table.size.height - table.header_height
        assert 0 < top and top + shown < len(SYMBOLS)
        rows = moved(app.watchlist.rows, 3.0)
        app.main_screen.show_rows(rows, app.watchlist.sparks)
        on_screen = SYMBOLS[top : top + shown]
        assert not table._pending & set(on_screen)
        assert {SYMBOLS[top - 1], SYMBOLS[top + shown]} <= table._pending  # just off screen
        await pilot.pause()
        painted = "\n".join(painted_lines(app))
        for symbol in (on_screen[0], on_screen[-1]):
            assert fmt_price(rows[symbol].quote.price) in painted, symbol
