"""Help: every key, by screen."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Everywhere",
        [
            ("q", "quit"),
            ("? / F1", "this help"),
            ("ctrl+p", "command palette (add/remove symbol, watchlists, themes, plugins, chat…)"),
            ("p", "Plugins screen"),
            ("c", "chat (full screen)"),
            ("r", "refresh now"),
            ("t", "next theme"),
            ("escape", "back / close"),
        ],
    ),
    (
        "Watchlist",
        [
            ("↑ ↓ / j k", "move"),
            ("g / G", "first / last symbol"),
            ("enter", "open the symbol (chart, analysis, chat)"),
            ("a", "add symbols (several at once: AMD, INTC TSLA)"),
            ("+", "add a lot of the symbol (a position)"),
            ("-", "sell part or all of the position (FIFO or average cost; the P&L is realised)"),
            ("P", "the symbol's lots: e edit, c close, d remove"),
            ("B", "switch portfolio, all together, or a new one"),
            ("F", "the portfolio's performance: value over time, returns, risk"),
            ("d / delete", "remove the symbol"),
            ("u", "undo the last removal"),
            ("K / J", "move the symbol up / down"),
            ("s / S", "sort by the next column / reverse"),
            ("/", "filter"),
            ("w", "switch watchlist"),
            ("n", "new watchlist"),
            ("R / D", "rename / delete the watchlist (asks first; u brings it back)"),
            ("!", "add an alert for the symbol"),
            ("A", "list alerts"),
            ("M", "proposals from AI assistants (naetra-tui mcp): y accept, n reject"),
            ("O", "the symbol's options: [ ] expiry, x pick one"),
            ("N", "the watchlist's upcoming events and news"),
        ],
    ),
    (
        "Symbol view",
        [
            ("1 2 3 4 5 6 7", "range 1D 5D 1M 6M 1Y 5Y MAX"),
            ("k", "candles / line / OHLC"),
            ("o / e / b", "SMA / EMA / Bollinger overlay"),
            ("i", "lower panel: RSI / MACD / none"),
            ("x", "explain the analysis in the chat"),
            ("O", "options: calls and puts with Greeks; [ ] expiry"),
            ("Enter (news)", "the headline with its link as text (never opened)"),
            ("c", "focus the chat"),
            ("escape", "back to the watchlist"),
        ],
    ),
    (
        "Chat",
        [
            ("enter", "send"),
            ("↑ ↓", "input history"),
            ("escape", "stop the answer"),
            ("ctrl+r", "retry"),
            ("ctrl+n", "new chat"),
            ("ctrl+s", "export to Markdown"),
            ("ctrl+y", "copy the last answer"),
        ],
    ),
    (
        "Plugins screen",
        [
            ("space", "enable / disable"),
            ("r", "reload: re-import a plugin's code and restart it (or retry a failed one)"),
            ("e", "edit its settings"),
            ("a", "add an installed plugin"),
            ("K J", "move up / down (failover order)"),
            ("u", "use this LLM provider for the chat"),
            ("enter", "show details"),
        ],
    ),
]


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: round $primary; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        table = Table(title="naetra-tui keys", expand=True, show_header=False)
        table.add_column("key", style="bold", width=16)
        table.add_column("action")
        for section, keys in KEYS:
            table.add_row(Text(section), Text(""), style="reverse")
            for key, action in keys:
                table.add_row(Text(key), Text(action))
        with VerticalScroll():
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
