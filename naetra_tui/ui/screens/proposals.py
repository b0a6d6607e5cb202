"""Proposals from AI assistants (``naetra-tui mcp``): who proposed what and why; y accepts,
n rejects. Nothing an agent sends changes the user's data before this screen (or
``naetra-tui proposals accept ID``) says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header

from ...core.errors import NaetraError
from .. import messages
from ..formatting import safe
from ..widgets.key_hints import KeyHints
from ..worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from ...services.proposals import Proposal, ProposalBook

STATUS_STYLE = {"pending": "bold yellow", "accepted": "green", "rejected": "dim"}


class ProposalsScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("y", "decide(True)", "Accept"),
        Binding("n", "decide(False)", "Reject"),
    ]

    def __init__(self, book: ProposalBook) -> None:
        super().__init__()
        self.book = book
        self.proposals: list[Proposal] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="proposals", cursor_type="row")
        yield KeyHints()

    def on_mount(self) -> None:
        self.sub_title = "Proposals from AI assistants"
        table = self.query_one(DataTable)
        table.add_columns("Change", "Why", "From", "When", "State")
        table.focus()
        self.load()

    @work(group="proposals", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        try:
            found = await self.book.all()
        except NaetraError as exc:
            self.notify(f"Could not read the proposals: {exc}", severity="error", markup=False)
            return
        # pending first (oldest first), then the decided ones, newest first
        self.proposals = [p for p in found if p.status == "pending"] + sorted(
            (p for p in found if p.status != "pending"), key=lambda p: p.created_at, reverse=True
        )
        self.fill()

    def fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for p in self.proposals:
            table.add_row(
                safe(p.summary),
                safe(p.reason or "(no reason given)"),
                safe(p.proposed_by),
                Text(f"{p.created_at:%Y-%m-%d %H:%M} UTC"),
                Text(p.status, style=STATUS_STYLE.get(p.status, "")),
                key=p.id,
            )
        if not self.proposals:
            table.add_row(
                Text("No proposals. With mcp.allow_proposals: true, an AI assistant connected", style="dim"),
                Text("by `naetra-tui mcp` may propose changes; they wait here.", style="dim"),
                Text(""),
                Text(""),
                Text(""),
            )

    def _selected(self) -> Proposal | None:
        table = self.query_one(DataTable)
        if not table.row_count or not self.proposals:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((p for p in self.proposals if p.id == key), None)

    def action_decide(self, accept: bool) -> None:
        proposal = self._selected()
        if proposal is None:
            return
        if proposal.status != "pending":
            self.notify(f"This proposal was {proposal.status} already.", markup=False, timeout=4)
            return
        self.post_message(
            messages.AcceptProposal(proposal.id) if accept else messages.RejectProposal(proposal.id)
        )

    def on_proposals_changed(self, message: messages.ProposalsChanged) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
