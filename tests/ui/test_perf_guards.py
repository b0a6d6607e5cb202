"""The speedups of naetra_tui.ui.perf stand aside when the Textual internals they read are
missing: Textual's own code then runs, the output is the same, and the log says so once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from textual.geometry import Region

from naetra_tui.ui.perf import guard, row_table
from naetra_tui.ui.widgets.watchlist import WatchlistTable
from tests.ui.conftest import app_config, make_app, wait_for
from tests.ui.test_watchlist_rendering import SYMBOLS, our_lines


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


async def test_the_watchlist_draws_the_same_without_its_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(app_config(tmp_path, watchlist="[" + ", ".join(SYMBOLS[:12]) + "]"))
    async with app.run_test(size=(120, 20)) as pilot:
        await wait_for(pilot, lambda: app.ready and all(s in app.rows for s in SYMBOLS[:12]))
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
