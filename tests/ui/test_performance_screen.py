"""The Performance screen (#35): F shows the portfolio's value over time with the benchmark, a
row of returns and risk figures per period computed off the event loop, realised P&L by year,
and SIMULATED where the figures come from the simulated feed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.widgets import DataTable

from naetra_tui.core.portfolio import Lot
from naetra_tui.ui.screens.performance import PerformanceScreen
from naetra_tui.ui.widgets.line_chart import Line, line_chart_text
from tests.ui.conftest import app_config, make_app, painted_lines, started, wait_for


async def test_f_shows_value_over_time_and_the_figures_per_period(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot, app)
        service = app.session.portfolio
        opened = date.today() - timedelta(days=500)
        await service.add([Lot("AAPL", 10, 200.0, opened, currency="USD"),
                           Lot("MSFT", 5, 300.0, opened + timedelta(days=100), currency="USD")])  # fmt: skip
        await service.sell("AAPL", 4, 250.0, opened + timedelta(days=300))
        await pilot.press("F")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PerformanceScreen) and bool(app.screen.reports), 20
        )
        screen = app.screen
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 5)
        periods = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert periods == ["1M", "3M", "YTD", "1Y", "ALL"]
        whole = screen.reports["ALL"]
        assert whole.twr is not None and whole.xirr is not None and whole.simulated
        assert str(table.get_row_at(4)[1]) == f"{whole.twr * 100:+.2f}%"
        text = "\n".join(painted_lines(app))
        await wait_for(pilot, lambda: "SIMULATED data" in "\n".join(painted_lines(app)))
        text = "\n".join(painted_lines(app))
        assert "realised P&L by year" in text and "dividends: unavailable" in text
        assert "━ value" in text and "(rebased)" in text  # the chart and its legend
        table.move_cursor(row=4)
        await pilot.pause()
        await pilot.press("escape")


def test_the_line_chart_draws_to_scale_and_leaves_gaps() -> None:
    rising = line_chart_text(
        [Line("up", [0.0, 1.0, 2.0, 3.0])], width=15, height=6, x_labels=[(0, "a"), (3, "b")]
    )
    rows = rising.plain.split("\n")
    plot = [row[11:] for row in rows[:4]]  # 4 rows of 4 cells after the scale
    assert rows[0].startswith("      3.00┤") and rows[3].startswith("      0.00┤")
    assert (
        plot[3][0] != " " and plot[0][3] != " " and plot[0][0] == " " and plot[3][3] == " "
    )  # bottom left to top right
    assert rows[4].strip().startswith("a") and rows[4].rstrip().endswith("b") and "━ up" in rows[5]
    gap = line_chart_text([Line("gap", [1.0, None, None, 1.0, 2.0])], width=20, height=6).plain
    assert "no values" not in gap
    assert (
        "no values to draw" in line_chart_text([Line("none", [None, float("nan")])], width=20, height=6).plain
    )
