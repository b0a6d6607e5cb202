"""The Performance screen (``F``): the portfolio's value over time with the money invested and the
benchmark rebased to the same start, and for each period (1M, 3M, YTD, 1Y, ALL) the time- and
money-weighted returns, the benchmark's, volatility, the deepest drawdown, Sharpe and beta;
then realised P&L by year, dividends, and what the figures could not include. Moving the cursor
to a period draws its chart. The arithmetic runs in a thread (``PerformanceService.reports``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from ...core.errors import NaetraError
from ...services.portfolio.performance import PERIODS, PerformanceReport, PerformanceService
from ...services.session import Phase
from ..formatting import safe
from ..widgets.key_hints import KeyHints
from ..widgets.line_chart import Line, LineChart
from ..worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from ..app import NaetraApp


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:+.2f}%"


def figure_cells(report: PerformanceReport) -> list[Text]:
    dd = report.drawdown
    fall = "none" if dd is None else f"{dd.depth * 100:.1f}% ({dd.peak}→{dd.trough})"
    cells = [
        report.period,
        _pct(report.twr),
        _pct(report.xirr),
        _pct(report.benchmark_return),
        "n/a" if report.volatility is None else f"{report.volatility * 100:.1f}%",
        fall,
        "n/a" if report.sharpe is None else f"{report.sharpe:.2f}",
        "n/a" if report.beta is None else f"{report.beta:.2f}",
    ]
    return [Text(c, justify="left" if i in (0, 5) else "right") for i, c in enumerate(cells)]


class PerformanceScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [Binding("escape", "back", "Back"), Binding("r", "reload", "Recompute")]
    DEFAULT_CSS = """
    PerformanceScreen #title { height: auto; padding: 0 1; }
    PerformanceScreen LineChart { height: 1fr; }
    PerformanceScreen DataTable { height: 8; }
    PerformanceScreen #notes { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.reports: dict[str, PerformanceReport] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Computing the portfolio's performance…", style="dim"), id="title")
        yield LineChart(id="chart")
        yield DataTable(id="figures", cursor_type="row")
        yield Static("", id="notes")
        yield KeyHints()

    @property
    def naetra(self) -> NaetraApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.sub_title = "Performance"
        table = self.query_one(DataTable)
        table.add_columns("period", "time-weighted", "XIRR (a year)", "benchmark", "volatility",
                          "max drawdown", "Sharpe", "beta")  # fmt: skip
        table.focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(exclusive=True, group="performance", exit_on_error=False)
    async def load(self) -> None:
        title = self.query_one("#title", Static)
        session = self.naetra.session_at(Phase.MARKET)
        if session is None:
            title.update(safe("starting…", "dim"))
            return
        settings = session.loaded.config
        service = PerformanceService(session.portfolio, session.market, settings.portfolio.benchmark,
                                     settings.research.risk_free_rate)  # fmt: skip
        try:
            self.reports = await service.reports()
        except NaetraError as exc:
            title.update(safe(f"Performance not computed: {exc}", "bold red"))
            return
        self.show()

    def show(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for period in PERIODS:
            report = self.reports.get(period)
            if report is not None and report.days:
                table.add_row(*figure_cells(report), key=period)
        whole = self.reports.get("ALL")
        title = self.query_one("#title", Static)
        if whole is None or not whole.days:
            title.update(safe("No lots in this portfolio yet: + on a watchlist row adds one.", "dim"))
            return
        origin = "SIMULATED data" if whole.simulated else ", ".join(sorted(set(whole.sources.values())))
        heading = Text(f"Portfolio {whole.portfolio} · {whole.base} · ", style="bold")
        heading.append(origin, style="reverse" if whole.simulated else "")
        heading.append(f" · {whole.start} to {whole.end} · benchmark {whole.benchmark_symbol}", style="dim")
        title.update(heading)
        notes = Text()
        if whole.realised_by_year:
            notes.append("realised P&L by year: " + " · ".join(
                f"{y} {v:+,.2f} {whole.base}" for y, v in sorted(whole.realised_by_year.items())) + "\n")  # fmt: skip
        notes.append(f"dividends: {whole.dividends}\n")
        if whole.carried_forward:
            notes.append(f"{whole.carried_forward} holding-day(s) valued on an earlier day's price or rate\n")
        for why in whole.incomplete:
            notes.append_text(safe(f"INCOMPLETE: {why}\n", "bold yellow"))
        self.query_one("#notes", Static).update(notes)
        self.draw("1Y" if self.reports.get("1Y") and self.reports["1Y"].days else "ALL")

    @on(DataTable.RowHighlighted)
    def _period(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value:
            self.draw(event.row_key.value)

    def draw(self, period: str) -> None:
        report = self.reports.get(period)
        if report is None or not report.days:
            return
        lines = [
            Line("value", report.value, "bold cyan"),
            Line("invested (net)", report.invested, "grey50"),
            Line(f"{report.benchmark_symbol} (rebased)", report.benchmark, "yellow"),
        ]
        n = len(report.days)
        labels = [(i, str(report.days[i])) for i in sorted({0, n // 4, n // 2, 3 * n // 4, n - 1})]
        self.query_one(LineChart).show(lines, labels, f"{report.portfolio} · {period} · {report.base}")

    def action_back(self) -> None:
        self.app.pop_screen()
