"""What screens and widgets ask of the app, as Textual messages (they bubble to the App).

A screen does what only it is about (its own table, its own dialog) and asks for the rest with
one of these: a request names what the user asked, and the App hands it to the controller that
does that job (``ui/controllers/``), which uses the Session's services. Screens may read the
Session's services and the App's controllers to show them; they change them only through a
request, so every change is said and reported the same way, and outlives the screen. The one
exception is the chat panel: a conversation (asking, a new chat, the model) is the panel's own.
A test (tests/unit/test_architecture.py) checks that every request reaches a controller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from ..core.portfolio import Lot
    from .controllers.alerts import AlertsController
    from .controllers.plugins import PluginsController
    from .controllers.portfolio import PortfolioController
    from .controllers.proposals import ProposalsController
    from .controllers.watchlist import WatchlistController
    from .screens.alert_dialog import AlertChoice
    from .screens.lot_dialogs import Closing, Selling


class WatchlistRequest(Message):
    """A change to the watchlists, for ``WatchlistController``."""

    def apply(self, to: WatchlistController) -> None:
        raise NotImplementedError


class AlertRequest(Message):
    """A change to the alerts, for ``AlertsController``."""

    def apply(self, to: AlertsController) -> None:
        raise NotImplementedError


class LotRequest(Message):
    """A change to the positions, for ``PortfolioController``."""

    def apply(self, to: PortfolioController) -> None:
        raise NotImplementedError


class PluginRequest(Message):
    """A change to the plugins, for ``PluginsController``."""

    def __init__(self, category: str, name: str) -> None:
        super().__init__()
        self.category = category
        self.name = name

    def apply(self, to: PluginsController) -> None:
        raise NotImplementedError


class ProposalRequest(Message):
    """A decision on a change an AI assistant proposed, for ``ProposalsController``."""

    def __init__(self, proposal_id: str) -> None:
        super().__init__()
        self.proposal_id = proposal_id

    def apply(self, to: ProposalsController) -> None:
        raise NotImplementedError


class OpenSymbol(Message):
    """Open the symbol view (chart, analysis, chat) of ``symbol``."""

    def __init__(self, symbol: str) -> None:
        super().__init__()
        self.symbol = symbol


class AddSymbol(WatchlistRequest):
    """Add ``text`` (a symbol as typed) to the active watchlist; None: ask for it first."""

    def __init__(self, text: str | None = None) -> None:
        super().__init__()
        self.text = text

    def apply(self, to: WatchlistController) -> None:
        to.add(self.text)


class RemoveSymbol(WatchlistRequest):
    """Remove ``symbol`` from the active watchlist (undoable)."""

    def __init__(self, symbol: str) -> None:
        super().__init__()
        self.symbol = symbol

    def apply(self, to: WatchlistController) -> None:
        to.remove(self.symbol)


class UndoRemove(WatchlistRequest):
    """Put back the last removed symbol."""

    def apply(self, to: WatchlistController) -> None:
        to.undo()


class MoveSymbol(WatchlistRequest):
    """Move ``symbol`` up (-1) or down (+1) in the active watchlist."""

    def __init__(self, symbol: str, offset: int) -> None:
        super().__init__()
        self.symbol = symbol
        self.offset = offset

    def apply(self, to: WatchlistController) -> None:
        to.move(self.symbol, self.offset)


class SwitchWatchlist(WatchlistRequest):
    """Show ``name`` (or, when None, ask which list to show)."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__()
        self.name = name

    def apply(self, to: WatchlistController) -> None:
        to.switch(self.name)


class NewWatchlist(WatchlistRequest):
    """Create an empty watchlist called ``name`` (None: ask for the name first)."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__()
        self.name = name

    def apply(self, to: WatchlistController) -> None:
        to.new_list(self.name)


class RenameWatchlist(WatchlistRequest):
    """Rename the list ``old`` to ``new`` (asked and checked in a dialog already)."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old = old
        self.new = new

    def apply(self, to: WatchlistController) -> None:
        to.rename(self.old, self.new)


class DeleteWatchlist(WatchlistRequest):
    """Delete the list ``name`` (confirmed already; u brings it back)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def apply(self, to: WatchlistController) -> None:
        to.delete(self.name)


class StorageCaughtUp(WatchlistRequest):
    """Changes the storage had refused have landed (or lost to another terminal's edit): the
    list on screen is read again."""

    def apply(self, to: WatchlistController) -> None:
        to.reload()


class AddAlert(AlertRequest):
    """Set the alert ``condition`` on ``symbol`` (a rule, or the dialog's ``AlertChoice``; None:
    ask for it first)."""

    def __init__(self, symbol: str, condition: str | AlertChoice | None = None) -> None:
        super().__init__()
        self.symbol = symbol
        self.condition = condition

    def apply(self, to: AlertsController) -> None:
        to.add(self.symbol, self.condition)


class ShowAlerts(AlertRequest):
    """Open the list of alerts."""

    def apply(self, to: AlertsController) -> None:
        to.show()


class DeleteAlert(AlertRequest):
    def __init__(self, alert_id: str) -> None:
        super().__init__()
        self.alert_id = alert_id

    def apply(self, to: AlertsController) -> None:
        to.delete(self.alert_id)


class RearmAlert(AlertRequest):
    def __init__(self, alert_id: str) -> None:
        super().__init__()
        self.alert_id = alert_id

    def apply(self, to: AlertsController) -> None:
        to.rearm(self.alert_id)


class AlertsChanged(Message):
    """Sent by the App to the alerts screen after an alert was added, fired or deleted."""


class TogglePlugin(PluginRequest):
    """Switch a plugin on or off (``force_on``: start it again, for a failed one)."""

    def __init__(self, category: str, name: str, force_on: bool = False) -> None:
        super().__init__(category, name)
        self.force_on = force_on

    def apply(self, to: PluginsController) -> None:
        to.toggle(self.category, self.name, self.force_on)


class ReloadPlugin(PluginRequest):
    """Re-import a plugin's own code and restart it (developing a plugin)."""

    def apply(self, to: PluginsController) -> None:
        to.reload(self.category, self.name)


class UseLLM(PluginRequest):
    """Answer in the chat with this configured LLM plugin from now on."""

    def __init__(self, name: str) -> None:
        super().__init__("llm", name)

    def apply(self, to: PluginsController) -> None:
        to.use_llm(self.name)


class MovePlugin(PluginRequest):
    """Move a plugin up or down its category's order (and save it in the config file)."""

    def __init__(self, category: str, name: str, offset: int) -> None:
        super().__init__(category, name)
        self.offset = offset

    def apply(self, to: PluginsController) -> None:
        to.move(self.category, self.name, self.offset)


class AddPlugin(PluginRequest):
    """Add an installed plugin the config does not use yet, with its defaults."""

    def apply(self, to: PluginsController) -> None:
        to.add(self.category, self.name)


class ConfigurePlugin(PluginRequest):
    """Save a plugin's changed settings to the config file and restart it with them."""

    def __init__(self, category: str, name: str, values: dict[str, Any], seen: str | None) -> None:
        super().__init__(category, name)
        self.values = values
        self.seen = seen  # the config file's text when the form opened (None: no file yet)

    def apply(self, to: PluginsController) -> None:
        to.configure(self.category, self.name, self.values, self.seen)


class AcceptProposal(ProposalRequest):
    def apply(self, to: ProposalsController) -> None:
        to.decide(self.proposal_id, accept=True)


class RejectProposal(ProposalRequest):
    def apply(self, to: ProposalsController) -> None:
        to.decide(self.proposal_id, accept=False)


class ProposalsChanged(Message):
    """Sent by the App to the proposals screen after one was accepted or rejected."""


class MainScreenReady(Message):
    """The watchlist table exists: the first frame can be painted with rows."""


class AddLots(LotRequest):
    """Keep these lots (checked already) in the portfolio."""

    def __init__(self, lots: list[Lot]) -> None:
        super().__init__()
        self.lots = lots

    def apply(self, to: PortfolioController) -> None:
        to.add(self.lots)


class ReplaceLot(LotRequest):
    """An edited lot: ``new`` takes the place of ``old``."""

    def __init__(self, old: Lot, new: Lot) -> None:
        super().__init__()
        self.old = old
        self.new = new

    def apply(self, to: PortfolioController) -> None:
        to.replace(self.old, self.new)


class RemoveLot(LotRequest):
    """Remove an open lot entered by mistake (no P&L realised)."""

    def __init__(self, lot: Lot) -> None:
        super().__init__()
        self.lot = lot

    def apply(self, to: PortfolioController) -> None:
        to.remove(self.lot)


class CloseLot(LotRequest):
    """Close a lot (a ``Closing``: lot, price, day, fees): its P&L is realised."""

    def __init__(self, closing: Closing) -> None:
        super().__init__()
        self.closing = closing

    def apply(self, to: PortfolioController) -> None:
        to.close(self.closing)


class SellShares(LotRequest):
    """Sell part or all of a position (a ``Selling``): lots taken by the cost method."""

    def __init__(self, selling: Selling) -> None:
        super().__init__()
        self.selling = selling

    def apply(self, to: PortfolioController) -> None:
        to.sell(self.selling)


class SwitchPortfolio(LotRequest):
    """Show another portfolio (``all``: every one together), created by its first lot."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def apply(self, to: PortfolioController) -> None:
        to.switch(self.name)
