"""Small modal dialogs: a validated text prompt and a list picker."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..formatting import safe

if TYPE_CHECKING:
    from .alert_dialog import AlertDialog


def keep_typed_keys(field: Input, event: events.Key) -> None:
    """Keys typed right after the one that opened a dialog can arrive before its field has
    focus (a loaded machine, a fast typist, tmux send-keys): they go into the field instead of
    being lost."""
    if not field.has_focus and event.is_printable and event.character and not field.screen.focused:
        field.focus()
        field.insert_text_at_cursor(event.character)
        event.stop()
        event.prevent_default()


class PromptDialog(ModalScreen[str | None]):
    """Ask for one line; ``validate`` returns an error message or None. Errors show inline."""

    DEFAULT_CSS = """
    PromptDialog { align: center middle; }
    PromptDialog > Vertical { width: 64; height: auto; border: round $primary; background: $surface; padding: 1 2; }
    PromptDialog #error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        placeholder: str = "",
        validate: Callable[[str], str | None] | None = None,
        value: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.check = validate
        self.initial = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self.title_text, "bold"))  # (a Label does not wrap: a long prompt was cut)
            yield Input(value=self.initial, placeholder=self.placeholder, id="value")
            yield Static("", id="error")

    def on_key(self, event: events.Key) -> None:
        keep_typed_keys(self.query_one("#value", Input), event)

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#error", Static).update(safe(problem))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EndStopOptionList(OptionList):
    """An option list whose cursor stops at its ends: up from the first list never lands on
    "+ new watchlist…" at the bottom (a list created by accident)."""

    def action_cursor_up(self) -> None:
        if self.highlighted is None or self.highlighted > 0:
            super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self.highlighted is None or self.highlighted < self.option_count - 1:
            super().action_cursor_down()


class PickDialog(ModalScreen[str | None]):
    """Choose one of several options (watchlists, themes)."""

    DEFAULT_CSS = """
    PickDialog { align: center middle; }
    PickDialog > Vertical { width: 50; height: auto; max-height: 80%; border: round $primary; background: $surface; padding: 1 2; }
    PickDialog OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe(self.title_text, "bold"))
            yield EndStopOptionList(*(Option(Text(label), id=value) for value, label in self.options))

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        ids = [value for value, _ in self.options]
        if self.current in ids:
            option_list.highlighted = ids.index(self.current)
        option_list.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- the watchlist's questions: opened by the screen on the key press itself (keys typed right
# after it go into the dialog, not to the watchlist), the answers posted as messages ----------


def add_symbol_dialog(on_list: list[str]) -> PromptDialog:
    from ...services.watchlists import symbols_problem

    return PromptDialog(
        "Add symbols (e.g. AAPL, BRK.B, ^GSPC, EURUSD=X, BTC-USD; several: AMD, INTC TSLA)",
        "symbols",
        lambda text: symbols_problem(text, on_list),
    )


def new_list_dialog(existing: list[str]) -> PromptDialog:
    from ...services.watchlists import list_name_problem

    return PromptDialog(
        "Name of the new watchlist", "e.g. Crypto", lambda text: list_name_problem(text, existing)
    )


def alert_dialog(symbol: str) -> AlertDialog:
    from .alert_dialog import AlertDialog

    return AlertDialog(symbol)


def switch_list_dialog(names: list[str], current: str) -> PickDialog:
    options = [(n, n) for n in names] + [("+new", "+ new watchlist…")]
    return PickDialog("Switch watchlist", options, current)
