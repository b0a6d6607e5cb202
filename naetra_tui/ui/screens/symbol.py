"""Symbol view: chart with volume and RSI/MACD, analysis panes, and the chat panel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ...core.errors import NaetraError
from ...core.models import PriceHistory
from ...services.session import Phase
from ..formatting import safe
from ..widgets.analysis_pane import AnalysisPane
from ..widgets.chart import KINDS, ChartOptions, LowerChart, PriceChart, VolumeChart
from ..widgets.chat_panel import ChatPanel
from ..widgets.key_hints import KeyHints
from ..widgets.research_pane import ResearchPane
from ..worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from ..app import NaetraApp

#: Chart range key -> (range label, bar timeframe, range name for the services)
RANGES = {
    "1": ("1D", "5m", "1D"),
    "2": ("5D", "15m", "5D"),
    "3": ("1M", "1h", "1M"),
    "4": ("6M", "1D", "6M"),
    "5": ("1Y", "1D", "1Y"),
    "6": ("5Y", "1W", "5Y"),
    "7": ("MAX", "1M", "MAX"),
}


class SymbolScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        *[Binding(k, f"range('{k}')", label, show=False) for k, (label, _, _) in RANGES.items()],
        Binding("k", "kind", "Chart type"),
        Binding("o", "overlay('sma')", "SMA"),
        Binding("e", "overlay('ema')", "EMA"),
        Binding("b", "overlay('bb')", "Bollinger"),
        Binding("i", "lower", "RSI/MACD"),
        Binding("x", "explain", "Explain"),
        Binding("c", "focus_chat", "Chat"),
        Binding("O", "options", "Options"),
    ]

    DEFAULT_CSS = """
    SymbolScreen #body { height: 1fr; }
    SymbolScreen #left { width: 2fr; }
    SymbolScreen #chart-title { height: 1; padding: 0 1; }
    SymbolScreen PriceChart { height: 2fr; min-height: 8; }
    SymbolScreen VolumeChart { height: 6; }
    SymbolScreen LowerChart { height: 8; }
    SymbolScreen LowerChart.hidden { display: none; }
    SymbolScreen #side { width: 1fr; min-width: 30; border-left: solid $panel; }
    SymbolScreen #panes { height: 1fr; }
    SymbolScreen ChatPanel { width: 1fr; min-width: 30; }
    """

    def __init__(self, symbol: str) -> None:
        super().__init__()
        self.symbol = symbol
        self.range_key = "5"
        self.options = ChartOptions()
        self.history: PriceHistory | None = None
        self.chat_requested = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Static(Text(""), id="chart-title")
                yield PriceChart()
                yield VolumeChart()
                yield LowerChart()
            with Vertical(id="side"):
                yield ResearchPane(id="research")
                yield VerticalScroll(id="panes")
            yield ChatPanel(self.symbol, id="chat")
        yield KeyHints()

    @property
    def naetra(self) -> NaetraApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.sub_title = self.symbol
        self.load_chart()
        self.load_analysis()
        self.load_research()

    def on_resize(self) -> None:
        # on narrow terminals the chat shows only when asked for (c or x)
        self.query_one("#chat").display = self.size.width >= 120 or self.chat_requested

    # --- chart ----------------------------------------------------------------------------

    @work(exclusive=True, group="chart", exit_on_error=False)
    async def load_chart(self) -> None:
        label, timeframe, range_name = RANGES[self.range_key]
        title = self.query_one("#chart-title", Static)
        title.update(safe(f"{self.symbol} · {label} · {timeframe} bars · loading…", "dim"))
        session = self.naetra.session_at(Phase.MARKET)
        if session is None:
            title.update(safe("starting…", "dim"))
            return
        try:
            self.history = await session.market.history(self.symbol, timeframe, range_name)
        except NaetraError as exc:
            self.history = None
            title.update(safe(f"{self.symbol} · {label}: {exc}", "bold red"))
            self._draw()
            return
        h = self.history
        origin = "SIMULATED" if h.simulated else h.source
        title.update(
            safe(
                f"{self.symbol} · {label} · {len(h)} {timeframe} bars · {origin} · {KINDS_LABEL[self.options.kind]}"
            )
        )
        self._draw()

    def _draw(self) -> None:
        label = RANGES[self.range_key][0]
        self.query_one(PriceChart).show(self.history, self.options, f"{self.symbol} {label}")
        self.query_one(VolumeChart).show(self.history)
        lower = self.query_one(LowerChart)
        lower.set_class(not self.options.lower, "hidden")
        lower.show(self.history, self.options.lower)

    def action_range(self, key: str) -> None:
        self.range_key = key
        self.load_chart()

    def action_kind(self) -> None:
        self.options.kind = KINDS[(KINDS.index(self.options.kind) + 1) % len(KINDS)]
        self.load_chart()

    def action_overlay(self, name: str) -> None:
        self.options.overlays ^= {name}
        self._draw()

    def action_lower(self) -> None:
        order = ["rsi", "macd", ""]
        self.options.lower = order[(order.index(self.options.lower) + 1) % len(order)]
        self._draw()

    # --- analysis -------------------------------------------------------------------------

    @work(exclusive=True, group="analysis", exit_on_error=False)
    async def load_analysis(self) -> None:
        panes = self.query_one("#panes", VerticalScroll)
        session = self.naetra.session_at(Phase.ALL)
        if session is None:
            return
        service = session.analysis
        names = [name for name, _ in service.analyzers()]
        await panes.remove_children()
        if not names:
            await panes.mount(Static(Text("No analyzer is enabled (Plugins screen: p).", style="dim")))
            return
        widgets = {name: AnalysisPane(name) for name in names}
        await panes.mount_all(widgets.values())
        results = await service.analyze(self.symbol, "1D", "2Y")
        for name, result in results.items():
            if name in widgets:
                widgets[name].show(result)

    @work(exclusive=True, group="research", exit_on_error=False)
    async def load_research(self) -> None:
        """Events, then news: each says why when its source has none (a slow news source
        delays only the news pane)."""
        from ...core.errors import NaetraError

        pane = self.query_one(ResearchPane)
        session = self.naetra.session_at(Phase.MARKET)
        if session is None:
            return
        try:
            pane.show_events(await session.research.events(self.symbol))
        except NaetraError as exc:
            pane.show_events(None, str(exc))
        try:
            pane.show_news(await session.research.news(self.symbol, 15))
        except NaetraError as exc:
            pane.show_news([], str(exc))

    def action_options(self) -> None:
        from .options import OptionsScreen

        self.app.push_screen(OptionsScreen(self.symbol))

    def action_explain(self) -> None:
        panes = [
            p for p in self.query(AnalysisPane) if p.result is not None and p.result.analysis is not None
        ]
        if not panes:
            self.notify("No analysis to explain yet.", markup=False)
            return
        chat = self.query_one(ChatPanel)
        self.chat_requested = chat.display = True
        names = ", ".join(p.analyzer for p in panes)
        chat.ask(f"Explain the {names} analysis of {self.symbol} shown on screen, in plain words.")

    def action_focus_chat(self) -> None:
        chat = self.query_one(ChatPanel)
        self.chat_requested = chat.display = True
        chat.query_one("#chat-input").focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def plugins_changed(self) -> None:
        """An analyzer was switched on or off: rebuild the panes."""
        self.load_analysis()


KINDS_LABEL = {"candles": "candlesticks", "line": "line", "ohlc": "high/low/close"}
