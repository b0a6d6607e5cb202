"""The Options screen (``O``): one expiry's calls and puts around the money — bid, ask, last,
volume, open interest, implied volatility and the Greeks computed locally — with the money
line marked, and a chart of the open interest by strike below (``c`` hides or shows it).
``[``/``]`` step through the expiries, ``x`` picks one; the chain is cached by the service, so
stepping back is instant."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from ...core.errors import NaetraError
from ...core.research import strikes_near
from ...services.session import Phase
from ..formatting import safe
from ..widgets.key_hints import KeyHints
from ..widgets.open_interest_chart import OpenInterestChart
from ..worker_errors import ReportsWorkerErrors
from .dialogs import PickDialog

if TYPE_CHECKING:
    from ...core.research import OptionChain, OptionContract
    from ..app import NaetraApp

#: Strikes shown each side of the money (a chain may have hundreds).
AROUND = 15
#: Each side's figures and their widths. A side is one cell of fixed-width figures, not ten
#: cells: the table then renders 3 cells a row instead of 21, which keeps the first paint of a
#: chain within its 100 ms budget.
SIDE = (("bid", 8), ("ask", 8), ("last", 8), ("vol", 9), ("OI", 9), ("IV", 8),
        ("Δ", 7), ("Γ", 8), ("Θ/day", 8), ("vega", 8))  # fmt: skip


def _num(value: float | None, fmt: str) -> str:
    return format(value, fmt) if value is not None else "—"


def side_header(prefix: str) -> Text:
    return Text("".join(f"{f'{prefix} {label}':>{width}}" for label, width in SIDE), style="bold")


def side_cells(c: OptionContract | None) -> list[str]:
    """The figures of one contract, as the columns of ``SIDE`` show them."""
    if c is None:
        return [""] * len(SIDE)
    iv = c.implied_vol if c.implied_vol is not None else c.greeks.get("iv")
    g = c.greeks
    return [
        _num(c.bid, ".2f"),
        _num(c.ask, ".2f"),
        _num(c.last, ".2f"),
        _num(c.volume, ",d"),
        _num(c.open_interest, ",d"),
        f"{iv * 100:.1f}%" + ("*" if c.implied_vol is None else "") if iv else "—",
        _num(g.get("delta"), ".2f"),
        _num(g.get("gamma"), ".4f"),
        _num(g.get("theta"), ".3f"),
        _num(g.get("vega"), ".3f"),
    ]


def side_text(c: OptionContract | None) -> Text:
    return Text("".join(f"{cell:>{width}}" for cell, (_, width) in zip(side_cells(c), SIDE, strict=True)))


class OptionsScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("left_square_bracket", "expiry(-1)", "Earlier"),
        Binding("right_square_bracket", "expiry(1)", "Later"),
        Binding("x", "pick_expiry", "Expiry"),
        Binding("c", "toggle_chart", "OI chart"),
    ]
    DEFAULT_CSS = """
    OptionsScreen #title { height: auto; padding: 0 1; }
    OptionsScreen DataTable { height: 1fr; }
    OptionsScreen OpenInterestChart { height: 12; }
    """

    def __init__(self, symbol: str) -> None:
        super().__init__()
        self.symbol = symbol
        self.expiries: list[date] = []
        self.expiry: date | None = None
        self.chain: OptionChain | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"{self.symbol} options: loading…", style="dim"), id="title")
        yield DataTable(id="chain", cursor_type="row", zebra_stripes=True)
        yield OpenInterestChart(id="oi")
        yield KeyHints()

    @property
    def naetra(self) -> NaetraApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.sub_title = f"{self.symbol} options"
        table = self.query_one(DataTable)
        table.add_column(side_header("C"), key="calls")
        table.add_column("strike", key="strike")
        table.add_column(side_header("P"), key="puts")
        table.focus()
        self.load()

    @work(exclusive=True, group="options", exit_on_error=False)
    async def load(self) -> None:
        title = self.query_one("#title", Static)
        session = self.naetra.session_at(Phase.MARKET)
        if session is None:
            title.update(safe("starting…", "dim"))
            return
        try:
            if not self.expiries:
                self.expiries = await session.research.expirations(self.symbol)
            chain = await session.research.chain(self.symbol, self.expiry)
        except NaetraError as exc:
            title.update(safe(f"{self.symbol} options: {exc}", "bold red"))
            return
        self.chain, self.expiry = chain, chain.expiry
        self.show(chain)

    def show(self, chain: OptionChain) -> None:
        spot = chain.underlying_price
        origin = "SIMULATED" if chain.simulated else chain.source
        place = self.expiries.index(chain.expiry) + 1 if chain.expiry in self.expiries else 0
        title = Text()
        title.append(
            f"{chain.symbol} · expiry {chain.expiry} ({place} of {len(self.expiries)}) · ", style="bold"
        )
        title.append(f"underlying {spot:,.2f} · " if spot is not None else "underlying unknown · ")
        title.append(origin, style="reverse" if chain.simulated else "")
        title.append(
            "\nGreeks computed here (Black-Scholes): Θ per day, vega per volatility point; * IV implied here",
            style="dim",
        )
        for problem in chain.problems:
            title.append_text(safe(f"\n{problem}", "italic"))
        self.query_one("#title", Static).update(title)
        strikes = strikes_near(chain, AROUND)
        calls = {c.strike: c for c in chain.calls}
        puts = {p.strike: p for p in chain.puts}
        table = self.query_one(DataTable)
        table.clear()
        marked = False
        for strike in strikes:
            if spot is not None and not marked and strike >= spot:
                blank = Text("")
                table.add_row(blank, Text(f"▶ {spot:,.2f}", style="bold yellow"), blank, key="money")
                marked = True
            in_the_money_call = spot is not None and strike < spot
            strike_cell = Text(f"{strike:g}", style="bold" if in_the_money_call else "", justify="center")
            table.add_row(
                side_text(calls.get(strike)),
                strike_cell,
                side_text(puts.get(strike)),
                key=str(strike),
            )
        if marked:
            table.move_cursor(row=[k.value for k in table.rows].index("money"))
        self.query_one(OpenInterestChart).show(chain, strikes)

    def action_toggle_chart(self) -> None:
        chart = self.query_one(OpenInterestChart)
        chart.display = not chart.display

    def action_expiry(self, step: int) -> None:
        if self.expiry is None or not self.expiries:
            return
        at = self.expiries.index(self.expiry) if self.expiry in self.expiries else 0
        self.expiry = self.expiries[max(0, min(len(self.expiries) - 1, at + step))]
        self.load()

    def action_pick_expiry(self) -> None:
        if not self.expiries:
            return
        options = [(d.isoformat(), d.isoformat()) for d in self.expiries]
        current = self.expiry.isoformat() if self.expiry else None
        self.app.push_screen(PickDialog(f"{self.symbol}: expiry", options, current), self._picked)

    def _picked(self, choice: str | None) -> None:
        if choice:
            self.expiry = date.fromisoformat(choice)
            self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
