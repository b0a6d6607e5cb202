"""Proposals: changes an agent asks for, kept until the person accepts or rejects them.

Agents propose, people decide. An MCP client may *propose* adding symbols to a watchlist, an
alert or a lot; the proposal is checked in full when it is made (a symbol no data source knows,
an alert that does not parse, a lot with a bad field: refused then, with the reason) and stored
under ``proposals/<id>`` — on a shared storage every terminal sees it, and a write the storage
refuses is kept in the pending-write journal like any other. Nothing is applied until
``accept`` runs, in the app or with ``naetra-tui proposals accept ID``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from ..core.clock import utcnow
from ..core.errors import InvalidSymbol, NaetraError
from ..core.portfolio import InvalidLot, check_lot
from ..core.symbols import normalize_symbol
from ..core.text import clean_line

if TYPE_CHECKING:
    from .alerts import AlertBook
    from .portfolio.service import PortfolioService
    from .state import AppState

log = logging.getLogger(__name__)

Kind = Literal["watchlist_add", "alert", "lot"]
KINDS: tuple[str, ...] = ("watchlist_add", "alert", "lot")
PREFIX = "proposals/"
MAX_REASON = 500
MAX_SYMBOLS = 50
#: At most this many proposals wait at once: an agent in a loop cannot fill the storage.
MAX_PENDING = 100


class InvalidProposal(NaetraError, ValueError):
    """A proposal that cannot be made (its change would be refused) or acted on."""


@dataclass
class Proposal:
    id: str
    kind: str
    change: dict[str, Any]
    reason: str
    proposed_by: str
    created_at: datetime = field(default_factory=utcnow)
    status: str = "pending"  # pending | accepted | rejected
    outcome: str = ""

    @property
    def summary(self) -> str:
        """One line: what would change."""
        c = self.change
        if self.kind == "watchlist_add":
            return f"add {', '.join(c['symbols'])} to the watchlist '{c['watchlist']}'"
        if self.kind == "alert":
            return f"alert {c['symbol']}: {c['expression']}"
        currency = f" {c['currency']}" if c.get("currency") else ""
        return f"lot {c['symbol']} {c['quantity']:g} @ {c['price']:g}{currency} on {c['opened']}"

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "change": self.change,
            "reason": self.reason,
            "proposed_by": self.proposed_by,
            "created_at": self.created_at.isoformat(),
            "status": self.status,
            "outcome": self.outcome,
        }

    @classmethod
    def from_record(cls, record: object) -> Proposal:
        """Raises: InvalidProposal (a record this version cannot use)."""
        if not isinstance(record, dict):
            raise InvalidProposal("the record is not a proposal")
        try:
            proposal = cls(
                id=str(record["id"]),
                kind=str(record["kind"]),
                change=dict(record["change"]),
                reason=clean_line(record.get("reason", "")),
                proposed_by=clean_line(record.get("proposed_by", "")),
                created_at=datetime.fromisoformat(str(record["created_at"])),
                status=str(record.get("status", "pending")),
                outcome=clean_line(record.get("outcome", "")),
            )
            _check_change(proposal.kind, proposal.change)
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidProposal(f"the record is not a proposal: {exc}") from None
        return proposal


def _check_change(kind: str, change: dict[str, Any]) -> dict[str, Any]:
    """The change normalised, or InvalidProposal naming the field at fault."""
    if kind == "watchlist_add":
        symbols = change.get("symbols")
        if not isinstance(symbols, list) or not 1 <= len(symbols) <= MAX_SYMBOLS:
            raise InvalidProposal(f"symbols: give 1 to {MAX_SYMBOLS} symbols")
        try:
            cleaned = list(dict.fromkeys(normalize_symbol(s) for s in symbols))
        except InvalidSymbol as exc:
            raise InvalidProposal(f"symbols: {exc}") from None
        watchlist = change.get("watchlist")
        if not isinstance(watchlist, str) or not watchlist.strip():
            raise InvalidProposal("watchlist: name the list")
        return {"watchlist": clean_line(watchlist).strip(), "symbols": cleaned}
    if kind == "alert":
        from .alerts import parse_alert

        try:
            alert = parse_alert(str(change.get("symbol", "")), str(change.get("expression", "")))
        except (InvalidSymbol, ValueError) as exc:
            raise InvalidProposal(str(exc)) from None
        return {"symbol": alert.symbol, "expression": alert.rule}
    if kind == "lot":
        try:
            lot = check_lot(
                change.get("symbol"),
                change.get("quantity"),
                change.get("price"),
                change.get("opened"),
                change.get("fees", 0.0),
                change.get("currency"),
            )
        except InvalidLot as exc:
            raise InvalidProposal(str(exc)) from None
        return {
            "symbol": lot.symbol,
            "quantity": lot.quantity,
            "price": lot.price,
            "opened": lot.opened.isoformat(),
            "fees": lot.fees,
            "currency": lot.currency,
        }
    raise InvalidProposal(f"kind: use one of {', '.join(KINDS)}")


class ProposalBook:
    """The stored proposals, and accepting them through the services that own each change.

    Args:
        state: where proposals are stored (the session's storage, journalled on failure).
        alerts: the alert book an accepted alert goes to.
        portfolio: the positions an accepted lot goes to.
        known: ``await known(symbols)`` -> the subset some data source has a price for
            (a proposal naming a symbol no source knows is refused).
    """

    def __init__(
        self,
        state: AppState,
        alerts: AlertBook,
        portfolio: PortfolioService,
        known: Callable[[list[str]], Awaitable[set[str]]],
    ) -> None:
        self.state = state
        self.alerts = alerts
        self.portfolio = portfolio
        self.known = known

    async def all(self) -> list[Proposal]:
        """Every stored proposal, oldest first (a malformed record is skipped and logged)."""
        storage = self.state.storage
        found: list[Proposal] = []
        for key in await storage.keys(PREFIX):
            try:
                found.append(Proposal.from_record(await storage.retrieve(key)))
            except InvalidProposal as exc:
                log.warning("skipped the malformed record %s: %s", key, exc)
        return sorted(found, key=lambda p: p.created_at)

    async def pending(self) -> list[Proposal]:
        return [p for p in await self.all() if p.status == "pending"]

    async def propose(self, kind: str, change: dict[str, Any], reason: str, proposed_by: str) -> Proposal:
        """Check and store a proposal. Raises: InvalidProposal, StorageError."""
        checked = _check_change(kind, change)
        symbols = checked.get("symbols") or [checked["symbol"]]
        unknown = [s for s in symbols if s not in await self.known(symbols)]
        if unknown:
            raise InvalidProposal(f"no data source has a price for {', '.join(unknown)}: check the symbol")
        if kind == "watchlist_add" and checked["watchlist"] not in await self.state.watchlist_names():
            names = ", ".join(await self.state.watchlist_names())
            raise InvalidProposal(f"watchlist: no list named '{checked['watchlist']}' (there are: {names})")
        if len(await self.pending()) >= MAX_PENDING:
            raise InvalidProposal(
                f"{MAX_PENDING} proposals are waiting already: the user must decide on them first"
            )
        proposal = Proposal(
            id=secrets.token_hex(4),
            kind=kind,
            change=checked,
            reason=clean_line(reason)[:MAX_REASON],
            proposed_by=clean_line(proposed_by)[:100] or "an agent",
        )
        await self.state.storage.store(PREFIX + proposal.id, proposal.to_record())
        return proposal

    async def _find(self, proposal_id: str) -> Proposal:
        record = await self.state.storage.retrieve(PREFIX + str(proposal_id).strip())
        if record is None:
            raise InvalidProposal(f"no proposal with id '{clean_line(proposal_id)[:20]}'")
        proposal = Proposal.from_record(record)
        if proposal.status != "pending":
            raise InvalidProposal(f"proposal {proposal.id} was {proposal.status} already")
        return proposal

    async def accept(self, proposal_id: str) -> Proposal:
        """Apply the change through its service, then mark the proposal accepted.

        Raises: InvalidProposal (unknown, decided, or its change refused now), StorageError.
        """
        proposal = await self._find(proposal_id)
        c = proposal.change
        try:
            if proposal.kind == "watchlist_add":
                added = await self.state.add_symbols(c["watchlist"], c["symbols"])
                outcome = f"added {', '.join(added)} to '{c['watchlist']}'"
            elif proposal.kind == "alert":
                alert = await self.alerts.add(c["symbol"], c["expression"])
                outcome = f"alert set: {alert.text}"
            else:
                lot = check_lot(c["symbol"], c["quantity"], c["price"], c["opened"], c["fees"], c["currency"])
                await self.portfolio.add([lot])
                outcome = f"lot added: {lot.symbol} {lot.quantity:g} @ {lot.price:g}"
        except (InvalidSymbol, InvalidLot, ValueError) as exc:
            raise InvalidProposal(f"proposal {proposal.id} cannot be applied: {exc}") from None
        await self._decide(proposal, "accepted", outcome)
        return proposal

    async def reject(self, proposal_id: str) -> Proposal:
        """Raises: InvalidProposal (unknown or decided), StorageError."""
        proposal = await self._find(proposal_id)
        await self._decide(proposal, "rejected", "rejected by the user")
        return proposal

    async def _decide(self, proposal: Proposal, status: str, outcome: str) -> None:
        proposal.status, proposal.outcome = status, outcome
        await self.state.storage.store(PREFIX + proposal.id, proposal.to_record())
