"""The chat as a full screen (the general conversation or a symbol's)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from ..widgets.chat_panel import ChatPanel
from ..widgets.key_hints import KeyHints


class ChatScreen(Screen[None]):
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, symbol: str | None = None) -> None:
        super().__init__()
        self.symbol = symbol

    def compose(self) -> ComposeResult:
        yield Header()
        yield ChatPanel(self.symbol, id="chat")
        yield KeyHints()

    def on_mount(self) -> None:
        self.sub_title = f"Chat · {self.symbol or 'general'}"
        self.query_one("#chat-input").focus()

    def action_back(self) -> None:
        self.app.pop_screen()
