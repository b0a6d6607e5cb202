"""The watchlist's research feed (``N``): upcoming earnings and ex-dividend dates across its
symbols, soonest first, and their news, newest first. Each says its source (SIM when simulated);
a symbol whose source has none is listed with why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from ...core.clock import utcnow
from ...services.session import Phase
from ..formatting import safe
from ..widgets.key_hints import KeyHints
from ..widgets.research_pane import NewsItemScreen, news_option
from ..worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from ...core.research import NewsItem
    from ..app import NaetraApp


class FeedScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [Binding("escape", "back", "Back")]
    DEFAULT_CSS = """
    FeedScreen #events { height: auto; max-height: 45%; }
    FeedScreen #news { height: 1fr; }
    FeedScreen .heading { height: 1; padding: 0 1; text-style: bold; }
    FeedScreen #problems { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list[NewsItem] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Upcoming events", classes="heading")
        yield DataTable(id="events", cursor_type="row")
        yield Static("News across the watchlist", classes="heading")
        yield OptionList(Option(Text("loading…", style="dim"), disabled=True), id="news")
        yield Static("", id="problems")
        yield KeyHints()

    @property
    def naetra(self) -> NaetraApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.sub_title = f"{self.naetra.watchlist.name}: events and news"
        table = self.query_one(DataTable)
        table.add_columns("Date", "In", "Symbol", "Event", "Detail", "Source")
        self.load()

    @work(exclusive=True, group="research", exit_on_error=False)
    async def load(self) -> None:
        session = self.naetra.session_at(Phase.MARKET)
        if session is None:
            self.query_one("#problems", Static).update(safe("still starting: try again in a moment", "dim"))
            return
        symbols = list(self.naetra.watchlist.symbols)
        upcoming, event_problems = await session.research.upcoming(symbols)
        table = self.query_one(DataTable)
        table.clear()
        today = utcnow().date()
        for day, what, events in upcoming:
            origin = Text("SIM", style="reverse") if events.simulated else safe(events.source)
            if what == "earnings":
                estimate = events.earnings_eps_estimate
                detail = f"EPS estimate {estimate:g}" if estimate is not None else ""
            else:
                amount = next(d.amount for d in events.dividends if d.ex_date == day)
                detail = f"{amount:g} {events.currency or ''}".rstrip()
            table.add_row(
                day.isoformat(), f"{(day - today).days} d", events.symbol, what, safe(detail), origin
            )
        if not upcoming:
            table.add_row("", "", "", Text("none known", style="dim"), "", "")
        self.items, news_problems = await session.research.feed(symbols, 60)
        news = self.query_one("#news", OptionList)
        news.clear_options()
        news.add_options(
            [self._option(i, item) for i, item in enumerate(self.items)]
            or [Option("none found", disabled=True)]
        )
        problems = {**news_problems, **event_problems}
        said = "; ".join(f"{symbol}: {why}" for symbol, why in list(problems.items())[:8])
        self.query_one("#problems", Static).update(safe(said, "dim"))

    @staticmethod
    def _option(index: int, item: NewsItem) -> Option:
        option = news_option(item, index)
        line = Text(f"{item.symbol:8s} ", style="bold")
        line.append_text(option.prompt if isinstance(option.prompt, Text) else Text(str(option.prompt)))
        if item.simulated:
            line.append(" SIM", style="reverse")
        return Option(line, id=str(index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.push_screen(NewsItemScreen(self.items[int(event.option.id)]))

    def action_back(self) -> None:
        self.app.pop_screen()
