"""The portfolio on the watchlist (#23), used as a person would: `+` adds a lot in a dialog
(bad values refused at their field, nothing kept), the position columns and the summary appear
and survive a restart, `P` lists the lots to edit, close (realised P&L) or remove, `-` closes the
only lot, several symbols can be added at once, and a list holding positions still fits 80
columns. Extended hours show beside the regular close, and the P&L says which price it used."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import DataTable, Input, OptionList, Static

from naetra_tui.core import clock
from naetra_tui.ui import messages
from naetra_tui.ui.screens.lot_dialogs import CloseLotDialog, Closing, LotDialog, SellDialog
from naetra_tui.ui.screens.lots import LotsScreen
from tests.ui.conftest import app_config, make_app, started, wait_for, watch_rows


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def summary(app) -> str:
    widget = app.main_screen.query_one("#portfolio", Static)
    return str(widget.render()) if widget.has_class("visible") else ""


async def add_lot(pilot, app, symbol: str, **fields: str) -> None:
    table = app.main_screen.table
    table.move_cursor(row=[k.value for k in table.rows].index(symbol))
    await pilot.press("plus")
    await wait_for(pilot, lambda: isinstance(app.screen, LotDialog))
    for name, value in fields.items():
        app.screen.query_one(f"#field-{name}", Input).value = value
    await pilot.press("ctrl+s")


async def test_plus_adds_a_lot_refusing_bad_values_at_their_field_and_it_survives_a_restart(
    tmp_path: Path,
) -> None:
    path = app_config(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(180, 40), notifications=True) as pilot:
        table = await started(pilot, app)
        assert "qty" not in [c.value for c in table.columns] and summary(app) == ""
        await add_lot(pilot, app, "MSFT", quantity="0")
        dialog = app.screen
        assert isinstance(dialog, LotDialog)
        assert (
            str(dialog.query_one("#problem-quantity", Static).render())
            == "cannot be 0 (negative for a short)"
        )
        last = app.watchlist.rows["MSFT"].quote.price
        assert float(dialog.query_one("#field-price", Input).value) == round(last, 4)  # prefilled
        assert dialog.query_one("#field-date", Input).value == "2026-11-25"  # today, by the app's clock
        for bad, field, said in (("1e30", "quantity", "beyond any real position"),):
            dialog.query_one(f"#field-{field}", Input).value = bad
            await pilot.press("ctrl+s")
            assert said in str(dialog.query_one(f"#problem-{field}", Static).render())
        dialog.query_one("#field-quantity", Input).value = "5"
        dialog.query_one("#field-date", Input).value = "2027-01-01"
        await pilot.press("ctrl+s")
        assert "in the future" in str(dialog.query_one("#problem-date", Static).render())
        assert app.session.portfolio.lots == []  # nothing kept while the form is refused
        dialog.query_one("#field-date", Input).value = "2026-06-01"
        dialog.query_one("#field-price", Input).value = "400"
        dialog.query_one("#field-fees", Input).value = "2"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("Kept a lot of 5 MSFT at 400" in m for m in notes(app)))
        await wait_for(pilot, lambda: "qty" in [c.value for c in table.columns])
        assert table.current_symbol() == "MSFT"  # the new columns did not move the cursor
        row = next(r for r in watch_rows(table) if r["symbol"] == "MSFT")
        value = 5 * last
        assert row["qty"] == "5" and row["value"] == f"{value:,.2f}"
        assert row["pnl"] == f"{value - 2002:+,.2f}" and row["weight"] == "100.0%"
        assert next(r for r in watch_rows(table) if r["symbol"] == "AAPL")["qty"] == ""
        assert summary(app).startswith(f"Portfolio 1 position · value {value:,.2f} USD")
        assert "average cost" in summary(app)
    again = make_app(path)
    async with again.run_test(size=(180, 40)) as pilot:
        table = await started(pilot, again)
        await wait_for(pilot, lambda: "qty" in [c.value for c in table.columns])
        assert next(r for r in watch_rows(table) if r["symbol"] == "MSFT")["qty"] == "5"
        assert [(x.quantity, x.price, x.fees) for x in again.session.portfolio.lots] == [(5, 400, 2)]


async def test_the_lots_screen_edits_closes_and_removes_lots(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await started(pilot, app)
        await add_lot(pilot, app, "AAPL", quantity="10", price="200", date="2026-01-05")
        await wait_for(pilot, lambda: len(app.session.portfolio.lots) == 1)
        await add_lot(pilot, app, "AAPL", quantity="5", price="100", date="2026-02-05")
        await wait_for(pilot, lambda: len(app.session.portfolio.lots) == 2)
        await pilot.press("P")  # the symbol's lots
        await wait_for(pilot, lambda: isinstance(app.screen, LotsScreen))
        screen = app.screen
        lots = screen.query_one(DataTable)
        assert lots.row_count == 2
        position = str(screen.query_one("#position", Static).render())
        assert position.startswith("15 AAPL · average cost 166.67 USD")  # (2000 + 500) / 15

        lots.move_cursor(row=1)  # the lot of 5 at 100: edit it to 6
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, LotDialog))
        assert app.screen.query_one("#field-quantity", Input).value == "5"
        app.screen.query_one("#field-quantity", Input).value = "6"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: sorted(x.quantity for x in app.session.portfolio.lots) == [6, 10])

        lots.move_cursor(row=0)  # close the lot of 10 at 250, fees 1: realised 10*50 - 1
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CloseLotDialog))
        app.screen.query_one("#field-price", Input).value = "250"
        app.screen.query_one("#field-fees", Input).value = "1"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("realised +499.00" in m for m in notes(app)))
        assert [x.quantity for x in app.session.portfolio.lots] == [6]
        await wait_for(pilot, lambda: lots.row_count == 2)  # one open, one closed
        assert "closed" in str(lots.get_row_at(1)[0]) and str(lots.get_row_at(1)[7]) == "+499.00 USD"

        lots.move_cursor(row=0)
        await pilot.press("d")  # asks first: removing realises nothing
        await wait_for(pilot, lambda: app.screen.query(OptionList))
        await pilot.press("enter")  # the highlighted answer is "No, keep it"
        assert len(app.session.portfolio.lots) == 1
        await pilot.press("d")
        await wait_for(pilot, lambda: app.screen.query(OptionList))
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.session.portfolio.lots == [])
        await pilot.press("escape")
        await wait_for(pilot, lambda: "realised +499.00 USD" in summary(app))
        assert summary(app).startswith("Portfolio 0 positions · value 0.00 USD")
        assert "qty" not in [c.value for c in app.main_screen.table.columns]  # nothing held now


async def test_minus_sells_part_of_a_position_fifo_and_says_the_realised_p_and_l(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await started(pilot, app)
        await add_lot(pilot, app, "AAPL", quantity="10", price="100", date="2026-01-05", fees="5")
        await wait_for(pilot, lambda: len(app.session.portfolio.lots) == 1)
        await add_lot(pilot, app, "AAPL", quantity="10", price="120", date="2026-02-05", fees="5")
        await wait_for(pilot, lambda: len(app.session.portfolio.lots) == 2)
        await pilot.press("minus")
        await wait_for(pilot, lambda: isinstance(app.screen, SellDialog))
        assert app.screen.query_one("#field-quantity", Input).value == "20"  # all held, to start with
        app.screen.query_one("#field-quantity", Input).value = "25"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: "at most the 20 held" in str(app.screen.query_one("#problem-quantity", Static).render()),
        )
        app.screen.query_one("#field-quantity", Input).value = "15"
        app.screen.query_one("#field-price", Input).value = "150"
        app.screen.query_one("#field-fees", Input).value = "3"
        await pilot.press("ctrl+s")
        # FIFO: 10 x 50 - 5 - 2, then 5 x 30 - 2.5 - 1 (the hand computation of test_sales.py)
        await wait_for(pilot, lambda: any("realised +639.50 USD" in m for m in notes(app)))
        assert [(x.quantity, x.price) for x in app.session.portfolio.lots] == [(5, 120.0)]


async def test_minus_closes_the_only_lot_and_esc_changes_nothing(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await started(pilot, app)
        await add_lot(pilot, app, "SPY", quantity="-3", price="600")  # a short
        await wait_for(pilot, lambda: len(app.session.portfolio.lots) == 1)
        await pilot.press("minus")
        await wait_for(pilot, lambda: isinstance(app.screen, CloseLotDialog))
        assert "Buy back the short of 3 SPY sold at" in str(app.screen.query_one(".title", Static).render())
        await pilot.press("escape")
        assert len(app.session.portfolio.lots) == 1 and app.session.portfolio.closed == []
        await pilot.press("minus")
        await wait_for(pilot, lambda: isinstance(app.screen, CloseLotDialog))
        app.screen.query_one("#field-price", Input).value = "590"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("realised +30.00" in m for m in notes(app)))  # -3 * (590 - 600)


async def test_several_symbols_at_once_the_bad_ones_listed_with_why(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("a")
        await pilot.press(*"AMD, intc TSLA FOO$ MSFT amd")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(m.startswith("Added AMD, INTC, TSLA") for m in notes(app)))
        said = next(m for m in notes(app) if m.startswith("Added AMD"))
        assert "not added: FOO$ (" in said and "MSFT (MSFT is already on this watchlist)" in said
        assert "amd (AMD is already on this watchlist)" in said
        assert app.watchlist.symbols == ["AAPL", "MSFT", "SPY", "AMD", "INTC", "TSLA"]


async def test_positions_in_other_currencies_are_converted_and_a_missing_rate_is_said(tmp_path: Path) -> None:
    path = app_config(tmp_path, watchlist="[SAP.DE, VOD.L, AAPL]")
    app = make_app(path)
    async with app.run_test(size=(200, 40), notifications=True) as pilot:
        await started(pilot, app)
        await add_lot(pilot, app, "SAP.DE", quantity="10", price="100", date="2026-01-05")
        await wait_for(pilot, lambda: "EURUSD=X" in summary(app))
        await add_lot(pilot, app, "VOD.L", quantity="100", price="1000", date="2026-01-05")
        await wait_for(pilot, lambda: "GBPUSD=X" in summary(app))
        value = app.session.portfolio.value()
        sap, vod = value.position("SAP.DE"), value.position("VOD.L")
        eur, gbp = (
            app.session.market.rows["EURUSD=X"].quote.price,
            app.session.market.rows["GBPUSD=X"].quote.price,
        )
        assert sap.value_base == sap.value * eur and vod.currency == "GBP"
        assert vod.value == 100 * app.watchlist.rows["VOD.L"].quote.price / 100  # pence to pounds
        assert vod.value_base == vod.value * gbp and not value.incomplete
        assert f"EURUSD=X {eur:.4f} simulated" in summary(app)
        lot = next(x for x in app.session.portfolio.lots if x.symbol == "VOD.L")
        app.post_message(messages.CloseLot(Closing(lot, 1100, lot.opened, 0)))  # sold at 1100p
        await wait_for(pilot, lambda: any("realised +100.00 GBP" in m for m in notes(app)))  # 100 x 100p


async def test_an_unavailable_rate_marks_the_total_incomplete(tmp_path: Path) -> None:
    path = app_config(tmp_path, watchlist="[AAPL]")
    path.write_text(path.read_text().replace("app:\n", "app:\n  base_currency: XAU\n"))
    app = make_app(path)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        table = await started(pilot, app)
        await add_lot(pilot, app, "AAPL", quantity="1", price="100")
        await wait_for(pilot, lambda: "INCOMPLETE" in summary(app))
        assert "no USD→XAU rate" in summary(app) and "value 0.00 XAU" in summary(app)
        assert next(r for r in watch_rows(table) if r["symbol"] == "AAPL")["value"] == "n/a"


async def test_a_list_holding_positions_fits_80_columns(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        table = await started(pilot, app)
        await add_lot(pilot, app, "AAPL", quantity="3", price="100")
        await wait_for(pilot, lambda: "qty" in [c.value for c in table.columns])
        keys = [str(k.value) for k in table.columns]
        assert {"symbol", "last", "qty", "value", "pnl"} <= set(keys)
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80


async def test_a_simulated_price_stays_marked_on_its_row_whatever_the_columns(tmp_path: Path) -> None:
    """#32: with positions the Src column gives way; each simulated row still says SIM, and
    the status bar's SIMULATED notice is not cut off at 80 columns."""
    from naetra_tui.ui.widgets.status_bar import StatusBar
    from tests.ui.conftest import table_text

    for width in (80, 120, 200):
        app = make_app(app_config(tmp_path / str(width)))
        async with app.run_test(size=(width, 24), notifications=True) as pilot:
            table = await started(pilot, app)
            await add_lot(pilot, app, "AAPL", quantity="3", price="100")
            await wait_for(pilot, lambda t=table: "qty" in [c.value for c in t.columns])
            await pilot.pause()
            shown = table_text(table)
            assert shown and all("SIM" in " ".join(cells) for cells in shown), shown
            bar = app.main_screen.query_one(StatusBar)
            line = "".join(strip.text for strip in bar.render_lines(bar.region.reset_offset))
            assert "SIMULATED DATA" in line[:width]


async def test_after_the_close_the_post_market_price_is_shown_and_used(tmp_path: Path) -> None:
    clock.freeze(datetime(2026, 11, 25, 22, 0, tzinfo=UTC))  # 17:00 in New York: post-market
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(200, 40), notifications=True) as pilot:
        table = await started(pilot, app)
        quote = app.watchlist.rows["AAPL"].quote
        assert quote.extended
        await wait_for(pilot, lambda: "ext" in [c.value for c in table.columns])
        row = next(r for r in watch_rows(table) if r["symbol"] == "AAPL")
        assert row["ext"].startswith(f"POST {quote.extended_price:.2f}") and row["mkt"] == "POST"
        assert row["last"] == f"{quote.price:.2f}"  # the regular close stays beside it
        await add_lot(pilot, app, "AAPL", quantity="2", price="100", date="2026-01-05")
        await wait_for(pilot, lambda: "post-market prices" in summary(app))
        assert app.session.portfolio.value().position("AAPL").value == 2 * quote.extended_price


async def test_live_ticks_redraw_the_positions_once_for_a_burst(tmp_path: Path, monkeypatch) -> None:
    """Each redraw values every lot: a burst of ticks on a held symbol costs one, not one each."""
    from naetra_tui.services.market import QuoteRow

    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await started(pilot, app)
        await add_lot(pilot, app, "AAPL", quantity="10", price="100")
        await wait_for(pilot, lambda: len(app.session.portfolio.lots) == 1)
        redraws: list[float] = []
        shown = app.positions.show
        monkeypatch.setattr(app.positions, "show", lambda: (redraws.append(1), shown()))
        quote = app.watchlist.rows["AAPL"].quote
        for step in range(20):  # as the market service hands over streamed ticks
            tick = QuoteRow("AAPL", quote.model_copy(update={"price": quote.price + step}))
            app.session.market.rows["AAPL"] = tick
            app.watchlist.streamed({"AAPL": tick})
            app.watchlist.streamed({"MSFT": app.watchlist.rows["MSFT"]})  # not held: no redraw asked
        await wait_for(pilot, lambda: redraws == [1])
        await pilot.pause(0.7)
        assert redraws == [1]
        cell = next(r for r in watch_rows(app.main_screen.table) if r["symbol"] == "AAPL")["value"]
        assert cell == f"{10 * (quote.price + 19):,.2f}"  # the last tick's price


async def test_b_creates_and_switches_portfolios_each_with_its_own_lots(tmp_path: Path) -> None:
    from textual.widgets import OptionList

    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await started(pilot, app)
        await add_lot(pilot, app, "AAPL", quantity="10", price="100")
        await wait_for(pilot, lambda: len(app.session.portfolio.lots) == 1)
        await pilot.press("B")
        await wait_for(pilot, lambda: bool(app.screen.query(OptionList)))
        options = app.screen.query_one(OptionList)
        options.highlighted = options.option_count - 1  # + new portfolio…
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.screen.query("#value")))
        app.screen.query_one("#value", Input).value = "Growth"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.portfolio.current == "Growth")
        assert app.session.portfolio.lots == []  # the new one is empty; Main's lot is kept apart
        await add_lot(pilot, app, "MSFT", quantity="2", price="300")
        await wait_for(pilot, lambda: [x.symbol for x in app.session.portfolio.lots] == ["MSFT"])
        await wait_for(pilot, lambda: summary(app).startswith("Portfolio Growth · 1 position"))
        assert {x.portfolio for x in app.session.portfolio.all_lots} == {"Main", "Growth"}
    again = make_app(app_config(tmp_path))  # the portfolio shown is remembered
    async with again.run_test(size=(160, 40)) as pilot:
        await started(pilot, again)
        await wait_for(pilot, lambda: again.session.portfolio.current == "Growth")
