"""Pilot tests of the watchlist: every key binding and flow, untrusted names, hanging providers."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.builtin.storage.sqlite import SQLiteStorage
from naetra_tui.core import clock
from naetra_tui.core.errors import StorageUnavailable
from naetra_tui.services.state import AppState
from naetra_tui.ui.screens.dialogs import PromptDialog
from naetra_tui.ui.screens.help import HelpScreen
from naetra_tui.ui.screens.symbol import SymbolScreen
from naetra_tui.ui.themes import updown_colours
from naetra_tui.ui.widgets.chart import PriceChart
from naetra_tui.ui.widgets.watchlist import WatchlistTable
from tests.ui.conftest import FROZEN_AT, app_config, make_app, painted_lines, started, wait_for, watch_rows

FAKE = "tests.fixtures.fake_plugins"


def symbols_of(app) -> list[str]:
    return [row["symbol"] for row in watch_rows(app.main_screen.query_one(WatchlistTable))]


async def test_first_paint_shows_simulated_rows_labelled(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30)) as pilot:
        table = await started(pilot, app)
        rows = watch_rows(table)
        assert [r["symbol"] for r in rows] == ["AAPL", "MSFT", "SPY"]
        assert all(r["src"] == "SIM" for r in rows)  # source badge
        assert rows[0]["name"] == "Apple Inc."
        status = str(app.main_screen.query_one("#status").render())
        assert "SIMULATED DATA" in status and "simulated ✓" in status


async def test_add_validates_inline_then_adds(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("a")
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"[bold]X", "enter")
        assert isinstance(app.screen, PromptDialog)  # refused, dialog stays
        error = str(app.screen.query_one("#error").render())
        assert "is not a valid symbol" in error and "[bold]X" in error.upper().replace("[BOLD]X", "[bold]X")
        app.screen.query_one("Input").value = " brk.b "
        await pilot.press("enter")
        await wait_for(pilot, lambda: "BRK.B" in symbols_of(app))
        await pilot.press("a")
        app.screen.query_one("Input").value = "aapl"
        await pilot.press("enter")
        assert "already on this watchlist" in str(app.screen.query_one("#error").render())
        await pilot.press("escape")


async def test_remove_undo_reorder_sort(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("d")  # cursor on AAPL
        await wait_for(pilot, lambda: symbols_of(app) == ["MSFT", "SPY"])
        await pilot.press("u")
        await wait_for(pilot, lambda: symbols_of(app) == ["AAPL", "MSFT", "SPY"])
        assert app.main_screen.table.current_symbol() == "MSFT"  # the cursor stayed on its row
        await pilot.press("k")  # vim up: to AAPL
        await pilot.press("J")  # move AAPL down
        await wait_for(pilot, lambda: symbols_of(app) == ["MSFT", "AAPL", "SPY"])
        await pilot.press("s")  # sort by symbol
        assert symbols_of(app) == ["AAPL", "MSFT", "SPY"]
        await pilot.press("S")
        assert symbols_of(app) == ["SPY", "MSFT", "AAPL"]
        row = app.main_screen.table.cursor_row
        await pilot.press("j")  # vim keys move the cursor
        assert app.main_screen.table.cursor_row == min(row + 1, 2)
        await pilot.press("G")  # and to the last row and the first, as in less and vim
        assert app.main_screen.table.current_symbol() == "AAPL"
        await pilot.press("g")
        assert app.main_screen.table.current_symbol() == "SPY"


def header_labels(app: Any) -> list[str]:
    return [column.label.plain for column in app.main_screen.table.columns.values()]


async def test_the_sort_shows_its_arrow_and_comes_back_to_your_order(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("J")  # your order: MSFT, AAPL, SPY
        await wait_for(pilot, lambda: symbols_of(app) == ["MSFT", "AAPL", "SPY"])
        await pilot.press("s")
        assert symbols_of(app) == ["AAPL", "MSFT", "SPY"] and "Symbol▲" in header_labels(app)
        await pilot.press("S")
        assert symbols_of(app) == ["SPY", "MSFT", "AAPL"] and "Symbol▼" in header_labels(app)
        await pilot.press("K")  # sorted: K/J go back to your order first, and say so
        assert symbols_of(app) == ["MSFT", "AAPL", "SPY"]
        assert not any(label.endswith(("▲", "▼")) for label in header_labels(app))
        assert any("Back to your order" in n.message for n in app._notifications)
        columns = len(app.main_screen.table.visible_columns())
        for _ in range(columns):
            await pilot.press("s")  # every column in turn...
        assert any(label.endswith(("▲", "▼")) for label in header_labels(app))
        await pilot.press("s")  # ...then your order again
        assert symbols_of(app) == ["MSFT", "AAPL", "SPY"]
        assert not any(label.endswith(("▲", "▼")) for label in header_labels(app))


async def test_filter_and_watchlist_switching_persist(tmp_path: Path) -> None:
    path = app_config(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(140, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("slash", "m", "s")
        assert symbols_of(app) == ["MSFT"]
        await pilot.press("escape")
        assert symbols_of(app) == ["AAPL", "MSFT", "SPY"]
        await pilot.press("n")
        await pilot.press(*"Crypto", "enter")
        await wait_for(pilot, lambda: app.watchlist.name == "Crypto" and symbols_of(app) == [])
        await pilot.press("a", *"btc-usd", "enter")
        await wait_for(pilot, lambda: symbols_of(app) == ["BTC-USD"])
    again = make_app(path)  # restart: the same list, same symbols
    async with again.run_test(size=(140, 30)) as pilot:
        await wait_for(pilot, lambda: again.ready)
        assert again.watchlist.name == "Crypto" and symbols_of(again) == ["BTC-USD"]
        await pilot.press("w")
        await pilot.press("home", "enter")  # the first option: Crypto
        await pilot.press("w", "down", "enter")  # Default
        await wait_for(pilot, lambda: again.watchlist.name == "Default")
        assert symbols_of(again) == ["AAPL", "MSFT", "SPY"]


async def test_open_symbol_timeframes_overlays_and_back(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot, app)
        await pilot.press("enter")
        assert isinstance(app.screen, SymbolScreen) and app.screen.symbol == "AAPL"
        screen = app.screen
        await wait_for(pilot, lambda: screen.history is not None and len(screen.history) > 100)
        await pilot.press("2")
        await wait_for(pilot, lambda: screen.history is not None and screen.history.timeframe == "15m")
        assert "5D" in str(screen.query_one("#chart-title").render())
        await pilot.press("o", "b", "k")
        assert screen.options.overlays == {"sma", "bb"} and screen.options.kind == "line"
        await pilot.press("i")
        assert screen.options.lower == "macd"
        await wait_for(pilot, lambda: all(p.result is not None for p in screen.query("AnalysisPane")))
        assert len(screen.query_one(PriceChart).plt.build()) > 100  # something was drawn
        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_theme_switch_is_remembered(tmp_path: Path) -> None:
    path = app_config(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot, app)
        assert app.theme == "naetra-dark"
        await pilot.press("t")
        chosen = app.theme
        assert chosen != "naetra-dark"
        await pilot.pause(0.2)
    again = make_app(path)
    async with again.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: again.ready)
        assert again.theme == chosen


async def test_alert_fires_and_is_listed(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        painted = "\n".join(painted_lines(app))
        # the prompt wraps: its last example was cut off at the dialog's edge
        assert "rsi < 30 and price > sma200" in painted and "cross up" in painted
        await pilot.press(*"price >", "enter")
        said = str(app.screen.query_one("#error").render())
        assert "'price' is compared with nothing" in said and "(at column 8)" in said
        app.screen.query_one("Input").value = "price > 1"
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: any("ALERT AAPL: price > 1 (price " in n.message for n in app._notifications)
        )
        assert not app.alert_rules.alerts[0].active
        await pilot.press("A")
        assert "fired" in str(app.screen.query_one("DataTable").get_row_at(0)[1])


async def test_an_alert_stored_earlier_is_checked_at_start_up(tmp_path: Path) -> None:
    """The first refresh runs before the alerts are loaded; they are checked once loaded,
    not an hour later at the next refresh (the test config refreshes hourly)."""
    from naetra_tui.services.alerts import parse_alert

    alert = parse_alert("AAPL", "price > 1")
    first = make_app(app_config(tmp_path))
    async with first.run_test(size=(140, 30)) as pilot:
        await started(pilot, first)
        assert first.session.state is not None
        await first.session.state.save_alert(alert.id, alert.to_record())  # stored, as a past session left it
    again = make_app(app_config(tmp_path))
    async with again.run_test(size=(140, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: any("ALERT AAPL: price > 1" in n.message for n in again._notifications))
        assert [a.id for a in again.alert_rules.alerts if not a.active] == [alert.id]


async def test_help_lists_every_key(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_untrusted_company_name_is_shown_literally_and_triggers_nothing(tmp_path: Path) -> None:
    path = app_config(tmp_path, collectors=f"    - {{name: evil, class: {FAKE}.EvilNameCollector}}\n")
    app = make_app(path)
    async with app.run_test(size=(200, 30)) as pilot:
        table = await started(pilot, app)
        name = watch_rows(table)[0]["name"]
        assert name.startswith("[@click=app.quit]Evil[/]")
        assert "\x1b" not in name and "red" in name
        await pilot.click(WatchlistTable, offset=(15, 1))
        await pilot.pause(0.2)
        assert app.is_running  # the [@click=app.quit] did nothing


async def test_a_hanging_collector_leaves_the_ui_answering_and_quit_is_fast(tmp_path: Path) -> None:
    path = app_config(tmp_path, collectors=f"    - {{name: hang, class: {FAKE}.HangingQuotesCollector}}\n")
    app = make_app(path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.pause(0.3)  # the refresh is now stuck in the collector
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)  # keys still answered
        await pilot.press("escape")
        rows = watch_rows(app.main_screen.query_one(WatchlistTable))
        assert rows[0]["name"] == "loading…"
        started_quit = time.perf_counter()
        await pilot.press("q")
    assert time.perf_counter() - started_quit < 2.0


async def test_narrow_terminal_keeps_the_essential_columns(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        table = await started(pilot, app)
        keys = [str(k.value) for k in table.columns]
        assert keys == ["symbol", "last", "pct", "trend", "src", "age", "mkt"]  # narrow layout
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80
        await pilot.resize_terminal(160, 40)
        await pilot.pause(0.2)
        assert [str(k.value) for k in table.columns][:3] == ["symbol", "name", "last"]
        assert len(watch_rows(table)) == 3


def test_no_terminal_width_makes_the_watchlist_scroll_sideways() -> None:
    """Plain lists, lists holding positions, and either with an extended-hours column."""
    from naetra_tui.ui.widgets.watchlist import COLUMNS, DROPPED, SCROLLBAR, layout_for
    from naetra_tui.ui.widgets.watchlist_layout import ALL_COLUMNS, name_width_for, shown_keys

    widths = {k: w for k, _, w in ALL_COLUMNS}
    for width in range(80, 221):
        layout = layout_for(width)
        name = name_width_for(width)
        shown = [w if k != "name" else name for k, _, w in COLUMNS if k not in DROPPED[layout]]
        assert sum(w + 2 for w in shown) + SCROLLBAR <= width, (width, layout)
        for holding in (False, True):
            for extended in (False, True):
                layout = layout_for(width, holding, extended)
                keys = shown_keys(layout, holding, extended)
                name = name_width_for(width, holding, extended)
                used = sum((name if k == "name" else widths[k]) + 2 for k in keys) + SCROLLBAR
                assert used <= width, (width, holding, extended, layout)
                assert {"symbol", "last"} <= set(keys)
                if holding:
                    assert {"qty", "value", "pnl"} <= set(keys), (width, layout)
    assert layout_for(80) == "narrow" and layout_for(100) == "medium" and layout_for(160) == "wide"
    assert layout_for(80, holding=True) == "narrow" and layout_for(200, holding=True) == "wide"


async def test_live_update_changes_cells_in_place_keeping_the_cursor(tmp_path: Path) -> None:
    from naetra_tui.services.market import QuoteRow

    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30)) as pilot:
        table = await started(pilot, app)
        await pilot.press("down")
        before = watch_rows(table)[1]["last"]
        row = app.watchlist.rows["MSFT"]
        bumped = {"MSFT": QuoteRow("MSFT", row.quote.model_copy(update={"price": row.quote.price + 1.0}))}
        app.main_screen.show_rows(bumped, app.watchlist.sparks)
        await pilot.pause()
        after = watch_rows(table)[1]["last"]
        assert after != before and float(after.replace(",", "")) == round(row.quote.price + 1.0, 2)
        assert table.cursor_row == 1 and table.current_symbol() == "MSFT"
        # the same sparkline, but the day turned from down to up: its colour must follow
        up, down = updown_colours(app)
        close = row.quote.previous_close
        for price, colour in ((close * 0.99, down), (close * 1.01, up)):
            moved = {"MSFT": QuoteRow("MSFT", row.quote.model_copy(update={"price": price}))}
            app.main_screen.show_rows(moved, app.watchlist.sparks)
            await pilot.pause()
            assert str(table.get_cell("MSFT", "trend").style) == colour


async def test_live_ticks_from_yahoos_stream_update_rows_in_place(tmp_path: Path) -> None:
    from tests.fakes.yahoo_server import fake_yahoo
    from tests.fakes.yahoo_stream_server import FakeStreamer, fake_streamer

    fake = FakeStreamer()
    with fake_yahoo() as (base_url, _):
        async with fake_streamer(fake) as (stream_url, _):
            collectors = (
                f"    - {{name: yahoo_finance, plugin: yahoo_finance, config: {{base_url: '{base_url}', "
                f"stream_url: '{stream_url}', timeout: 3}}}}\n"
            )
            app = make_app(app_config(tmp_path, collectors=collectors))
            async with app.run_test(size=(140, 30)) as pilot:
                table = await started(pilot, app)
                table.move_cursor(row=1)
                await wait_for(pilot, lambda: bool(fake.subscriptions), timeout=10)
                await fake.push(id="MSFT", price=777.25, market_hours=1)
                await wait_for(pilot, lambda: watch_rows(table)[1]["last"] == "777.25", timeout=10)
                row = watch_rows(table)[1]
                assert row["src"] == "YF" and row["name"] == "MSFT Corp", row
                assert table.cursor_row == 1  # the cursor stayed
                status = str(app.main_screen.query_one("#status").render())
                assert "yahoo_finance ✓ live" in status, (
                    status
                )  # (failed once, unexplained: say what it showed)


async def test_key_hints_show_the_screens_keys_and_a_click_presses_one(tmp_path: Path) -> None:
    from naetra_tui.ui.screens.help import HelpScreen
    from naetra_tui.ui.widgets.key_hints import KeyHints

    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30)) as pilot:
        await started(pilot, app)
        hints = app.main_screen.query_one(KeyHints)
        text = hints.render().plain
        for hint in ("a Add", "d Remove", "s Sort", "/ Filter", "q Quit", "? Help", "^p palette"):
            assert hint in text, hint
        assert text.rstrip().endswith("^p palette")  # at the right edge
        await pilot.click(KeyHints, offset=(text.index("? Help") + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_sparklines_load_once_per_symbol_however_many_refreshes_come_meanwhile(tmp_path: Path) -> None:
    """A slow history source and frequent refreshes used to start a new loader per refresh,
    each fetching every still-missing symbol again (memory grew while they piled up)."""
    app = make_app(app_config(tmp_path, watchlist="[AAPL, MSFT, SPY, NVDA]"))
    async with app.run_test(size=(140, 30)) as pilot:
        await started(pilot, app)
        assert app.session.market is not None
        calls: list[str] = []
        release = asyncio.Event()
        original = app.session.market.history

        async def slow_history(symbol: str, *args: object, **kwargs: object) -> object:
            calls.append(symbol)
            await release.wait()
            return await original(symbol, *args, **kwargs)

        app.session.market.history = slow_history  # type: ignore[method-assign]
        app.watchlist._sparks_loaded.clear()  # as if none had loaded yet
        for _ in range(4):
            app.action_refresh()
            await pilot.pause(0.1)
        release.set()
        await wait_for(pilot, lambda: app.watchlist._sparks_loaded >= set(app.watchlist.symbols))
        assert sorted(calls) == sorted(app.watchlist.symbols)  # each once


async def another_terminal_edits(db: Path, add: str, remove: str, new_list: str | None = None) -> None:
    """What a second naetra-tui on the same storage does: its own connection, its own edits."""
    other = SQLiteStorage()
    await other.initialize({"path": str(db)})
    try:
        state = AppState(other)
        await state.add_symbol("Default", add)
        await state.remove_symbol("Default", remove)
        if new_list:
            await state.create_watchlist(new_list, ["ETH-USD"])
    finally:
        await other.cleanup()


async def test_symbols_another_terminal_adds_or_removes_show_up_at_the_next_refresh(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("j")  # on MSFT
        await another_terminal_edits(tmp_path / "state.db", add="NVDA", remove="AAPL", new_list="Crypto")
        assert symbols_of(app) == ["AAPL", "MSFT", "SPY"]  # until the next refresh
        await pilot.press("r")
        await wait_for(pilot, lambda: symbols_of(app) == ["MSFT", "SPY", "NVDA"])
        await wait_for(
            pilot, lambda: "NVDA" in app.watchlist.rows and app.watchlist.rows["NVDA"].quote is not None
        )
        assert app.main_screen.table.current_symbol() == "MSFT"  # the cursor stayed on its symbol
        assert watch_rows(app.main_screen.table)[2]["last"] not in ("", "loading…")
        await pilot.press("w", "home", "enter")  # the list it created: in the switcher, first
        await wait_for(pilot, lambda: app.watchlist.name == "Crypto" and symbols_of(app) == ["ETH-USD"])


async def test_a_stale_read_of_the_list_never_undoes_a_newer_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30)) as pilot:
        await started(pilot, app)
        assert app.session.state is not None
        read = app.session.state.watchlist
        held: list[list[str]] = []
        release = asyncio.Event()

        async def first_read_held(name: str) -> list[str]:
            symbols = await read(name)
            if not held:  # the refresh's read: done, but it comes back only after the edit's
                held.append(symbols)
                await release.wait()
            return symbols

        monkeypatch.setattr(app.session.state, "watchlist", first_read_held)
        await another_terminal_edits(tmp_path / "state.db", add="NVDA", remove="SPY")
        await pilot.press("r")
        await wait_for(pilot, lambda: bool(held))
        assert held[0] == ["AAPL", "MSFT", "NVDA"]
        await pilot.press("d")  # the cursor is on AAPL
        await wait_for(pilot, lambda: symbols_of(app) == ["MSFT", "NVDA"])
        release.set()
        await pilot.pause(0.3)
        assert app.watchlist.symbols == ["MSFT", "NVDA"] and symbols_of(app) == [
            "MSFT",
            "NVDA",
        ]  # AAPL stays removed


async def test_the_refresh_goes_on_when_the_list_cannot_be_re_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30)) as pilot:
        await started(pilot, app)
        assert app.session.state is not None and app.session.market is not None

        async def storage_down(name: str) -> set[str]:
            raise StorageUnavailable("connection refused")

        monkeypatch.setattr(app.session.state, "watchlist_members", storage_down)
        before = app.session.market.last_refresh
        clock.freeze(FROZEN_AT + timedelta(seconds=30))
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session.market.last_refresh != before)
        assert symbols_of(app) == ["AAPL", "MSFT", "SPY"]  # the symbols on screen, refreshed
        assert all(app.watchlist.rows[s].quote is not None for s in app.watchlist.symbols)


async def test_the_watchlist_is_renamed_and_deleted_with_keys_and_undone(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("n", *"Crypto", "enter")
        await wait_for(pilot, lambda: app.watchlist.name == "Crypto")
        await pilot.press("R")
        app.screen.query_one("Input").value = "Coins"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.watchlist.name == "Coins" and "naetra-tui · Coins" in app.title)
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("down", "enter")  # "Yes, delete"
        await wait_for(pilot, lambda: app.watchlist.name == "Default")
        assert app.session.state is not None and await app.session.state.watchlist_names() == ["Default"]
        await pilot.press("u")
        await wait_for(pilot, lambda: any("Restored the list Coins" in n.message for n in app._notifications))
        assert await app.session.state.watchlist_names() == ["Coins", "Default"]


async def test_a_price_not_in_the_base_currency_says_its_currency(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path, watchlist="[AAPL, 7203.T, VOD.L, RY.TO]"))
    async with app.run_test(size=(140, 30)) as pilot:
        table = await started(pilot, app)
        last = {s: table.cells(s)["last"].plain for s in ("AAPL", "7203.T", "VOD.L", "RY.TO")}
    assert last["AAPL"][-1].isdigit()  # the base currency (USD): nothing added
    assert last["7203.T"].endswith("¥") and last["VOD.L"].endswith("p") and last["RY.TO"].endswith("C$")
    assert all(len(text) <= 13 for text in last.values())  # fits the column: never cut off


async def test_the_list_picker_stops_at_its_ends_instead_of_wrapping_onto_new_list(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("w")
        await pilot.pause()
        picker = app.screen.query_one("OptionList")
        assert picker.highlighted == 0  # the current list, Default
        await pilot.press("up", "up")
        assert picker.highlighted == 0  # not "+ new watchlist…" at the bottom
        await pilot.press("down", "down", "down")
        assert picker.highlighted == picker.option_count - 1
