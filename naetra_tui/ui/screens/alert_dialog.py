"""The alert dialog (``!``): type a rule, see at once where it would have fired over the last
year of the symbol's daily bars — the count and dates, and a chart of the price with those days
marked — before it is saved. The same parser and evaluator as the app, the watcher and
``naetra-tui alerts test``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual_plotext import PlotextPlot

from ...core.alert_rules import RuleError
from ...core.errors import NaetraError
from ...services.session import Phase
from ..formatting import safe
from .dialogs import keep_typed_keys

if TYPE_CHECKING:
    from ...core.models import PriceHistory
    from ...services.alerts.backtest import Backtest
    from ..app import NaetraApp

EXAMPLES = "price > 250, rsi < 30 and price > sma200, volume > 3x avg20, macd cross up"


@dataclass(frozen=True)
class AlertChoice:
    """What the alert dialog answers."""

    rule: str
    notify: tuple[str, ...] = ()
    cooldown: float | None = None


def validate(symbol: str, text: str) -> str | None:
    from ...services.alerts import parse_alert

    try:
        parse_alert(symbol, text)
    except (RuleError, NaetraError) as exc:
        return str(exc)
    return None


class AlertDialog(ModalScreen[AlertChoice | None]):
    DEFAULT_CSS = """
    AlertDialog { align: center middle; }
    AlertDialog > Vertical { width: 90; height: auto; border: round $primary; background: $surface; padding: 1 2; }
    AlertDialog #error { color: $error; height: auto; }
    AlertDialog #backtest { height: auto; color: $text-muted; }
    AlertDialog PlotextPlot { height: 12; display: none; }
    AlertDialog #options { height: auto; }
    AlertDialog #options Input { width: 1fr; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, symbol: str) -> None:
        super().__init__()
        self.symbol = symbol
        self.tested: Backtest | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(f"Alert for {self.symbol}: {EXAMPLES}", "bold"))
            yield Input(placeholder="rule", id="value")
            yield Static("", id="error")
            with Horizontal(id="options"):
                yield Input(placeholder="notifiers: all enabled (or: desktop, apprise)", id="notify")
                yield Input(placeholder="once (or again after: 30m, 1h, 1d)", id="repeat")
            hint = Text("Type a rule to see where it would have fired over the last year.", style="dim")
            yield Static(hint, id="backtest")
            yield PlotextPlot(id="fires")

    def on_key(self, event: events.Key) -> None:
        keep_typed_keys(self.query_one("#value", Input), event)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @property
    def naetra(self) -> NaetraApp:
        return self.app  # type: ignore[return-value]

    @on(Input.Changed, "#value")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#error", Static).update("")
        self.test(event.value.strip())

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        """Enter in any field saves the whole alert (or says what is wrong, and where)."""
        from ...services.alerts.model import parse_duration

        event.stop()
        rule = self.query_one("#value", Input).value.strip()
        error = self.query_one("#error", Static)
        problem = validate(self.symbol, rule)
        if problem:
            error.update(safe(problem))
            return
        names = tuple(
            n.strip() for n in self.query_one("#notify", Input).value.replace(",", " ").split() if n.strip()
        )
        repeat = self.query_one("#repeat", Input).value.strip()
        try:
            cooldown = parse_duration(repeat) if repeat and repeat.lower() != "once" else None
        except ValueError as exc:
            error.update(safe(f"repeat: {exc}"))
            return
        self.dismiss(AlertChoice(rule, names, cooldown))

    @work(exclusive=True, group="backtest", exit_on_error=False)
    async def test(self, rule: str) -> None:
        import asyncio

        await asyncio.sleep(0.3)  # typing: test the rule once it rests
        said = self.query_one("#backtest", Static)
        if not rule or validate(self.symbol, rule) is not None:
            said.update(Text("(not a rule yet: Enter says what is wrong)", style="dim"))
            return
        session = self.naetra.session_at(Phase.MARKET)
        if session is None:
            return
        from ...services.alerts.backtest import backtest

        try:
            history = await session.market.history(self.symbol, "1D")
        except NaetraError as exc:
            said.update(safe(f"Not tested on history: {exc}", "italic"))
            return
        self.tested = result = backtest(rule, history, "1Y")
        said.update(safe(result.summary()))
        self._chart(result, history)

    def _chart(self, result: Backtest, history: PriceHistory) -> None:
        import numpy as np

        chart = self.query_one("#fires", PlotextPlot)
        if not result.bars:
            return
        closes = history.close[-result.bars :]
        stamps = history.timestamps[-result.bars :].astype("datetime64[D]")
        p = chart.plt
        p.clear_data()
        p.plot(list(range(len(closes))), closes.tolist(), marker="braille")
        days = {np.datetime64(d, "D") for d, _ in result.fires}
        marks = [i for i, s in enumerate(stamps) if s in days]
        if marks:
            p.scatter(marks, [float(closes[i]) for i in marks], marker="▲", color="yellow")
        p.xticks([], [])
        p.title(f"{self.symbol}, last year: ▲ where the rule would have fired")
        chart.display = True
        chart.refresh()
