"""The speedups of naetra_tui.ui.perf stand aside when the Textual internals they read are
missing: Textual's own code then runs, the output is the same, and the log says so once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from textual.geometry import Region

from naetra_tui.ui.formatting import fmt_price
from naetra_tui.ui.perf import guard, row_table
from naetra_tui.ui.widgets.watchlist import WatchlistTable
from tests.ui.conftest import app_config, make_app, needs_speedups, wait_for
from tests.ui.test_watchlist_rendering import SYMBOLS, moved, our_lines


@needs_speedups
def test_a_missing_internal_is_reported_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guard, "_reported", set())

    class Owner:
        present = 1

    with caplog.at_level(logging.WARNING, logger=guard.__name__):
        assert guard.internals_present("probe", [(Owner, "present")]) is True
        assert guard.internals_present("probe", [(Owner, "present"), (Owner, "_gone")]) is False
        assert guard.internals_present("probe", [(Owner, "_gone")]) is False
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "speedup probe is off (Textual's own code runs instead): this Textual has no Owner._gone"
    ]


@needs_speedups
async def test_the_watchlist_draws_the_same_without_its_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(app_config(tmp_path, watchlist="[" + ", ".join(SYMBOLS[:12]) + "]"))
    async with app.run_test(size=(120, 20)) as pilot:
        await wait_for(pilot, lambda: app.ready and all(s in app.watchlist.rows for s in SYMBOLS[:12]))
        table = app.main_screen.table
        region = Region(0, 0, table.size.width, table.size.height)
        assert table.fast_path_available()
        fast = our_lines(table, region)
        # a Textual whose DataTable lacks one of the internals the fast path calls
        monkeypatch.setattr(row_table, "DATATABLE_INTERNALS", (*row_table.DATATABLE_INTERNALS, "_renamed"))
        monkeypatch.setattr(WatchlistTable, "_fast_path", None, raising=False)
        assert not table.fast_path_available()
        table._update_count += 1  # DataTable's own caches are keyed by it
        assert our_lines(table, region) == fast


async def test_without_the_fast_path_updates_and_rows_scrolled_into_view_show_new_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DataTable's own rendering caches rows by a count only its update_cell moves: the
    watchlist's updates go through it when the fast path stands aside (it once showed the
    old prices and no trend until a restart)."""
    monkeypatch.setattr(WatchlistTable, "_fast_path", False, raising=False)
    app = make_app(app_config(tmp_path, watchlist="[" + ", ".join(SYMBOLS) + "]"))
    async with app.run_test(size=(120, 20)) as pilot:
        await wait_for(pilot, lambda: app.ready and all(s in app.watchlist.rows for s in SYMBOLS))
        table = app.main_screen.table
        assert not table.prepares_rows
        region = Region(0, 0, table.size.width, table.size.height)
        before = "\n".join(strip.text for strip in table.render_lines(region))
        rows = moved(app.watchlist.rows, 1.5)
        app.main_screen.show_rows(rows, app.watchlist.sparks)
        await pilot.pause()
        first, last = SYMBOLS[0], SYMBOLS[-1]
        after = "\n".join(strip.text for strip in table.render_lines(region))
        assert after != before and fmt_price(rows[first].quote.price) in after
        table.move_cursor(row=table.row_count - 1, animate=False)
        await pilot.pause()
        shown = "\n".join(strip.text for strip in table.render_lines(table.region.reset_offset))
        assert fmt_price(rows[last].quote.price) in shown


@needs_speedups
def test_lists_stream_with_textuals_remount_when_its_list_blocks_differ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textual.widgets import _markdown

    from naetra_tui.ui.perf import streamed_list

    assert set(streamed_list.streamed_lists()) == {"bullet_list_open", "ordered_list_open"}
    monkeypatch.setattr(guard, "_reported", set())
    monkeypatch.delattr(_markdown, "MarkdownBullet")  # a Textual that composes lists otherwise
    assert streamed_list._textual_internals() is None
    monkeypatch.setattr(streamed_list, "_TEXTUAL", None)
    assert streamed_list.streamed_lists() == {}  # Textual's own list blocks are used


@needs_speedups
async def test_finished_lists_keep_textuals_widgets_when_its_list_blocks_differ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Markdown

    from naetra_tui.ui.perf import flat_list

    class Answer(App[None]):
        def compose(self) -> ComposeResult:
            yield Markdown("Watch:\n\n- the 50-day SMA\n- earnings\n\nThe end.")

    async with Answer().run_test() as pilot:
        await pilot.pause()
        (listed,) = [w for w in pilot.app.query("*") if type(w).__name__ == "MarkdownBulletList"]
        assert flat_list.flattened(listed) is not None  # this Textual: one widget can draw it
        monkeypatch.setattr(flat_list, "_TEXTUAL", None)  # a Textual that composes lists otherwise
        assert flat_list.flattened(listed) is None and flat_list.rows_from_mounted(listed) is None
        assert listed.children  # Textual's own widgets stay
