"""Research in the app (#34): the symbol view's Events line and News (Enter shows a headline
with its link as text, never opened), the Options screen (O) with the money line and Greeks,
expiries stepped with ] and [; hostile news is shown cleaned; a missing ability says which
plugin would provide it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, OptionList

from naetra_tui.ui.screens.options import OptionsScreen
from naetra_tui.ui.screens.symbol import SymbolScreen
from naetra_tui.ui.widgets.research_pane import NewsItemScreen
from tests.ui.conftest import app_config, make_app, painted_lines, started, wait_for

FAKE = "tests.fixtures.fake_plugins"


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(painted_lines(app))


async def test_the_symbol_view_shows_events_and_news_and_a_headline_opens_as_text(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(200, 50)) as pilot:
        await started(pilot, app)
        await pilot.press("enter")  # AAPL, the first row
        await wait_for(pilot, lambda: isinstance(app.screen, SymbolScreen))
        await wait_for(pilot, lambda: "News · SIMULATED" in screen_text(app))
        text = screen_text(app)
        assert "earnings in " in text and "[SIMULATED]" in text
        news = app.screen.query_one("#news", OptionList)
        news.focus()
        news.highlighted = 1  # the first headline (0 is the heading)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NewsItemScreen))
        shown = screen_text(app)
        assert "https://news.example.invalid/aapl/" in shown and "the link is not opened" in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SymbolScreen))


async def test_hostile_news_is_shown_cleaned_and_a_script_link_not_at_all(tmp_path: Path) -> None:
    collectors = (
        f"    - {{name: hostile, class: {FAKE}.HostileNewsCollector}}\n"
        "    - {name: simulated, plugin: simulated, config: {seed: 7}}\n"
    )
    app = make_app(app_config(tmp_path, collectors=collectors))
    async with app.run_test(size=(200, 50)) as pilot:
        await started(pilot, app)
        app.post_message(__import__("naetra_tui.ui.messages", fromlist=["OpenSymbol"]).OpenSymbol("AAPL"))
        await wait_for(pilot, lambda: isinstance(app.screen, SymbolScreen))
        await wait_for(pilot, lambda: "News · hostile" in screen_text(app))
        text = screen_text(app)
        assert "Breaking [red]news[/red]" in text and "ZXZpbA" not in text
        news = app.screen.query_one("#news", OptionList)
        news.focus()
        news.highlighted = 2  # the future-dated one sorts last: unknown time
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NewsItemScreen))
        shown = screen_text(app)
        assert "javascript" not in shown and "no link, or one that is not http/https" in shown
        assert "time unknown" in shown


async def test_the_options_screen_marks_the_money_and_steps_through_expiries(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(200, 50)) as pilot:
        await started(pilot, app)
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, OptionsScreen) and app.screen.chain is not None)
        screen = app.screen
        first = screen.expiry
        table = screen.query_one(DataTable)
        keys = [k.value for k in table.rows]
        assert "money" in keys and table.cursor_row == keys.index("money")
        await wait_for(pilot, lambda: "SIMULATED" in screen_text(app) and "Θ per day" in screen_text(app))
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: screen.chain is not None and screen.chain.expiry != first)
        assert screen.expiry == screen.expiries[1]
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.chain is not None and screen.chain.expiry == first)


async def test_without_a_collector_that_has_them_the_views_say_which_plugin_would(tmp_path: Path) -> None:
    collectors = (
        f"    - {{name: guide, class: {FAKE}.GoodCollector}}\n"
        "    - {name: simulated, plugin: simulated, enabled: false}\n"
    )
    app = make_app(app_config(tmp_path, collectors=collectors, watchlist="[AAPL]"))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        app.push_screen(SymbolScreen("AAPL"))
        await wait_for(
            pilot, lambda: isinstance(app.screen, SymbolScreen) and bool(app.screen.query("#events"))
        )
        events = app.screen.query_one("#events")
        would = "simulated would: switch it on in the Plugins screen"
        await wait_for(pilot, lambda: would in str(events.render()))
        assert "no enabled collector provides events for AAPL" in str(events.render())
        news = app.screen.query_one("#news", OptionList)
        await wait_for(pilot, lambda: would in str(news.get_option_at_index(0).prompt))
        app.push_screen(OptionsScreen("AAPL"))
        await wait_for(
            pilot, lambda: isinstance(app.screen, OptionsScreen) and bool(app.screen.query("#title"))
        )
        title = app.screen.query_one("#title")
        await wait_for(pilot, lambda: "no enabled collector provides option expiries" in str(title.render()))


async def test_the_watchlist_feed_lists_events_soonest_first_and_news_newest_first(tmp_path: Path) -> None:
    from naetra_tui.ui.screens.feed import FeedScreen

    app = make_app(app_config(tmp_path, watchlist="[AAPL, MSFT, SPY, ^GSPC]"))
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot, app)
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedScreen) and len(app.screen.items) > 0)
        screen = app.screen
        table = screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        days = [row[0] for row in rows]
        assert days == sorted(days) and {row[2] for row in rows} >= {"AAPL", "MSFT", "SPY"}
        assert "^GSPC" not in {row[2] for row in rows}  # an index has no events: not a problem either
        assert {row[3] for row in rows} >= {"earnings", "ex-dividend"} and all(
            row[5] == "SIM" for row in rows
        )
        times = [i.published_at for i in screen.items]
        assert times == sorted(times, reverse=True)  # type: ignore[type-var]
        assert {i.symbol for i in screen.items} >= {"AAPL", "MSFT"}
        assert str(screen.query_one("#problems").render()) == ""
        news = screen.query_one("#news", OptionList)
        news.focus()
        news.highlighted = 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NewsItemScreen))


async def test_a_slow_news_source_never_holds_up_the_chart_the_events_or_the_keys(tmp_path: Path) -> None:
    import time

    collectors = (
        f"    - {{name: slow, class: {FAKE}.SlowNewsCollector}}\n"
        "    - {name: simulated, plugin: simulated, config: {seed: 7}}\n"
    )
    app = make_app(app_config(tmp_path, collectors=collectors))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        started_at = time.monotonic()
        app.push_screen(SymbolScreen("AAPL"))
        await wait_for(
            pilot, lambda: isinstance(app.screen, SymbolScreen) and bool(app.screen.query("#events"))
        )
        screen = app.screen
        events = screen.query_one("#events")
        await wait_for(pilot, lambda: "earnings in " in str(events.render()), timeout=2.5)
        await pilot.press("k")  # the chart answers keys while the news is still coming
        await wait_for(pilot, lambda: "line" in str(screen.query_one("#chart-title").render()), timeout=2.5)
        assert time.monotonic() - started_at < 2.9  # all of it before the slow source answered
        news = screen.query_one("#news", OptionList)
        assert "loading" in str(news.get_option_at_index(0).prompt)
        await wait_for(pilot, lambda: "Slow news about AAPL" in str(news.get_option_at_index(1).prompt)
                       if news.option_count > 1 else False, timeout=8)  # fmt: skip
