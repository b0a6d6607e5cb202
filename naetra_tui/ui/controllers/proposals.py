"""Changes AI assistants proposed over MCP: how many wait (for the status bar), and accepting
or rejecting one — after which the list, the positions and the alerts on screen follow."""

from __future__ import annotations

from ...core.errors import NaetraError
from ...services.session import Phase
from .. import messages
from .base import Controller


class ProposalsController(Controller):
    """The proposal book's face; a decision outlives the screen it was made on."""

    #: Proposals waiting for the user (from any terminal on this storage), counted after each refresh.
    pending = 0

    async def count(self) -> None:
        session = self.app.session_at(Phase.ALL)
        if session is None:
            return
        try:
            count = len(await session.proposals.pending())
        except NaetraError:
            return  # the storage is down: its own status part says so
        if count != self.pending:
            self.pending = count
            self.app.show_status()

    def decide(self, proposal_id: str, accept: bool) -> None:
        self.run("proposals-decide", self._decide, proposal_id, accept)

    async def _decide(self, proposal_id: str, accept: bool) -> None:
        book = self.app.opened_session(Phase.ALL).proposals
        try:
            done = await (book.accept(proposal_id) if accept else book.reject(proposal_id))
        except NaetraError as exc:  # refused now (a symbol gone, storage down): said, nothing lost
            self.app.notify(str(exc), severity="error", markup=False, timeout=8)
        else:
            said = f"Accepted: {done.outcome}" if accept else f"Rejected: {done.summary}"
            self.app.notify(said, markup=False, timeout=5)
            if accept:  # what it changed shows now, not at the next refresh
                await self.app.watchlist.pick_up_other_terminals_edits()
                await self.app.positions.refresh()
                await self.app.alert_rules.check()
        await self.count()
        for screen in self.app.screen_stack:
            screen.post_message(messages.ProposalsChanged())
