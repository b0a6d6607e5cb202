"""What screens and widgets ask of the app, as Textual messages (they bubble to the App).

Screens never call the App's methods: they post one of these, and the App routes it to the
service that does the work. Each is named for what the user asked.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message


class OpenSymbol(Message):
    """Open the symbol view (chart, analysis, chat) of ``symbol``."""

    def __init__(self, symbol: str) -> None:
        super().__init__()
        self.symbol = symbol


class AddSymbol(Message):
    """Add ``text`` (a symbol as typed) to the active watchlist; None: ask for it first."""

    def __init__(self, text: str | None = None) -> None:
        super().__init__()
        self.text = text


class RemoveSymbol(Message):
    """Remove ``symbol`` from the active watchlist (undoable)."""

    def __init__(self, symbol: str) -> None:
        super().__init__()
        self.symbol = symbol


class UndoRemove(Message):
    """Put back the last removed symbol."""


class MoveSymbol(Message):
    """Move ``symbol`` up (-1) or down (+1) in the active watchlist."""

    def __init__(self, symbol: str, offset: int) -> None:
        super().__init__()
        self.symbol = symbol
        self.offset = offset


class SwitchWatchlist(Message):
    """Show ``name`` (or, when None, ask which list to show)."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__()
        self.name = name


class NewWatchlist(Message):
    """Create an empty watchlist called ``name`` (None: ask for the name first)."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__()
        self.name = name


class AddAlert(Message):
    """Set the alert ``condition`` on ``symbol`` (None: ask for the condition first)."""

    def __init__(self, symbol: str, condition: str | None = None) -> None:
        super().__init__()
        self.symbol = symbol
        self.condition = condition


class ShowAlerts(Message):
    """Open the list of alerts."""


class DeleteAlert(Message):
    def __init__(self, alert_id: str) -> None:
        super().__init__()
        self.alert_id = alert_id


class RearmAlert(Message):
    def __init__(self, alert_id: str) -> None:
        super().__init__()
        self.alert_id = alert_id


class AlertsChanged(Message):
    """Sent by the App to the alerts screen after an alert was added, fired or deleted."""


class TogglePlugin(Message):
    """Switch a plugin on or off (``force_on``: start it again, for a failed one)."""

    def __init__(self, category: str, name: str, force_on: bool = False) -> None:
        super().__init__()
        self.category = category
        self.name = name
        self.force_on = force_on


class ReloadPlugin(Message):
    """Re-import a plugin's own code and restart it (developing a plugin)."""

    def __init__(self, category: str, name: str) -> None:
        super().__init__()
        self.category = category
        self.name = name


class MainScreenReady(Message):
    """The watchlist table exists: the first frame can be painted with rows."""


class StorageCaughtUp(Message):
    """Changes the storage had refused have landed (or lost to another terminal's edit): the
    list on screen is read again."""


class UseLLM(Message):
    """Answer in the chat with this configured LLM plugin from now on."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class MovePlugin(Message):
    """Move a plugin up or down its category's order (and save it in the config file)."""

    def __init__(self, category: str, name: str, offset: int) -> None:
        super().__init__()
        self.category = category
        self.name = name
        self.offset = offset


class AddPlugin(Message):
    """Add an installed plugin the config does not use yet, with its defaults."""

    def __init__(self, category: str, name: str) -> None:
        super().__init__()
        self.category = category
        self.name = name


class ConfigurePlugin(Message):
    """Save a plugin's changed settings to the config file and restart it with them."""

    def __init__(self, category: str, name: str, values: dict[str, Any], seen: str | None) -> None:
        super().__init__()
        self.category = category
        self.name = name
        self.values = values
        self.seen = seen  # the config file's text when the form opened (None: no file yet)


class AddLots(Message):
    """Keep these lots (checked already) in the portfolio."""

    def __init__(self, lots: list[Any]) -> None:
        super().__init__()
        self.lots = lots


class ReplaceLot(Message):
    """An edited lot: ``new`` takes the place of ``old``."""

    def __init__(self, old: Any, new: Any) -> None:
        super().__init__()
        self.old = old
        self.new = new


class RemoveLot(Message):
    """Remove an open lot entered by mistake (no P&L realised)."""

    def __init__(self, lot: Any) -> None:
        super().__init__()
        self.lot = lot


class CloseLot(Message):
    """Close a lot (a ``Closing``: lot, price, day, fees): its P&L is realised."""

    def __init__(self, closing: Any) -> None:
        super().__init__()
        self.closing = closing
