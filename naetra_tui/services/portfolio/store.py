"""The user's lots in storage, one record per lot, like the watchlists: two terminals on one
storage each add and close their own lots without overwriting the other's, and a refused write
is kept and retried by the pending-write journal (``portfolio/`` is a user prefix).

=========================================  ==========================================
``portfolio/lots/<SYMBOL>/<lot id>``       an open lot
``portfolio/closed/<SYMBOL>/<lot id>``     a closed lot, with its closing price and date
=========================================  ==========================================
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ...core.errors import NaetraError
from ...core.portfolio import ClosedLot, InvalidLot, Lot
from ...core.sales import SalePlan

if TYPE_CHECKING:
    from ..state import AppState

log = logging.getLogger(__name__)

OPEN, CLOSED = "portfolio/lots/", "portfolio/closed/"


class LotChanged(NaetraError):
    """The lot was changed by another terminal after this one read it; nothing was written."""


RECORD_VERSION = 1
READ_CHUNK = 5_000  # records read in one query


def _open_lot(value: Any) -> Lot:
    """Raises: InvalidLot."""
    return Lot.from_record(value.get("lot") if isinstance(value, dict) else value)


def _closed_lot(value: Any) -> ClosedLot:
    """Raises: InvalidLot."""
    return ClosedLot.from_record(value.get("closed") if isinstance(value, dict) else value)


def _key(prefix: str, lot: Lot) -> str:
    return f"{prefix}{lot.symbol}/{lot.id}"


class PortfolioStore:
    """Open and closed lots on the app's storage (``AppState.storage``)."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        #: Records this version cannot use (key -> why), skipped and reported once.
        self.skipped: dict[str, str] = {}
        # A record never changes under its key (an edit is a new lot id), so each refresh
        # reads only the keys it has not seen: a 500-lot portfolio costs one key listing. Kept
        # parsed (a frozen Lot, or why the record is unusable), not as the raw record: 100,000
        # lots held once, not as records and again as lots.
        self._seen: dict[str, Lot | ClosedLot | InvalidLot] = {}

    @property
    def storage(self) -> Any:
        return self.state.storage

    async def _records(self, prefix: str, parse: Callable[[Any], Lot | ClosedLot]) -> list[tuple[str, Any]]:
        keys = await self.storage.keys(prefix)
        unseen = [key for key in keys if key not in self._seen]
        # a few queries for all of them (100,000 lots: seconds, where one by one took minutes),
        # in chunks so that only a chunk's raw records are held at once, never 100,000
        for start in range(0, len(unseen), READ_CHUNK):
            for key, value in (await self.storage.retrieve_many(unseen[start : start + READ_CHUNK])).items():
                try:
                    self._seen[key] = parse(value)
                except InvalidLot as exc:
                    self._seen[key] = exc
        found = [(key, self._seen[key]) for key in keys if key in self._seen]
        listed = set(keys)
        for key in [k for k in self._seen if k.startswith(prefix) and k not in listed]:
            del self._seen[key]  # closed or removed, here or in another terminal
        return found

    def _skip(self, key: str, why: str) -> None:
        if key not in self.skipped:
            log.warning("skipped the malformed portfolio record %s: %s", key, why)
            self.skipped[key] = why

    async def lots(self) -> list[Lot]:
        """Every open lot, oldest first (fresh from storage: other terminals' lots too)."""
        lots = []
        for key, item in await self._records(OPEN, _open_lot):
            if isinstance(item, Lot):
                lots.append(item)
            else:
                self._skip(key, str(item))
        return sorted(lots, key=lambda lot: (lot.opened, lot.created_at))

    async def closed(self) -> list[ClosedLot]:
        found = []
        for key, item in await self._records(CLOSED, _closed_lot):
            if isinstance(item, ClosedLot):
                found.append(item)
            else:
                self._skip(key, str(item))
        return found

    async def add(self, lots: Sequence[Lot]) -> None:
        """All in one batch: on a storage error none of them is stored (or all are kept for
        retry, when the pending-write journal takes the batch). Raises: StorageError."""
        items = {_key(OPEN, lot): {"v": RECORD_VERSION, "lot": lot.to_record()} for lot in lots}
        await self.storage.store_many(items)

    async def _still_open(self, lot: Lot, doing: str) -> None:
        """A lot's id is its version (an edit stores it under a new id): if this one is no
        longer open in storage, another terminal closed, edited or removed it meanwhile, and
        this change must not bring it back.

        Raises: LotChanged, StorageError."""
        if await self.storage.retrieve(_key(OPEN, lot)) is None:
            raise LotChanged(
                f"the {lot.symbol} lot of {lot.quantity:g} was closed, edited or removed in another "
                f"terminal meanwhile; it was not {doing} (the lots are read again)"
            )

    async def replace(self, old: Lot, new: Lot) -> Lot:
        """An edited lot: stored under a new id, then the old one removed. Returns the new lot.

        Raises: LotChanged (another terminal changed it first: nothing written), StorageError."""
        await self._still_open(old, "edited")
        fresh = dataclasses.replace(new, id=secrets.token_hex(6))
        await self.storage.store(_key(OPEN, fresh), {"v": RECORD_VERSION, "lot": fresh.to_record()})
        await self.storage.delete(_key(OPEN, old))
        return fresh

    async def remove(self, lot: Lot) -> bool:
        """Delete an open lot (entered by mistake: no realised P&L). Returns whether it was there.

        Raises: LotChanged (another terminal changed it first), StorageError."""
        await self._still_open(lot, "removed")
        return bool(await self.storage.delete(_key(OPEN, lot)))

    async def close(self, lot: Lot, price: float, closed_on: date, fees: float = 0.0) -> ClosedLot:
        """Sell the lot (buy back a short): kept as closed with its realised P&L, then removed
        from the open lots.

        Raises: LotChanged (another terminal closed or edited it first: nothing written), StorageError."""
        await self._still_open(lot, "closed")
        done = ClosedLot(lot, price, closed_on, fees)
        await self.storage.store(_key(CLOSED, lot), {"v": RECORD_VERSION, "closed": done.to_record()})
        await self.storage.delete(_key(OPEN, lot))
        return done

    async def sell(self, plan: SalePlan) -> SalePlan:
        """Store a sale: its closed parts, the remainders and any short first, then take the
        consumed lots away one by one. A delete that finds its lot gone means another terminal
        sold or changed it meanwhile: what this sale wrote is taken back, the lots it had
        already taken are put back, and ``LotChanged`` says so — one of two terminals wins.

        Raises: LotChanged, StorageError."""
        written = {_key(CLOSED, c.lot): {"v": RECORD_VERSION, "closed": c.to_record()} for c in plan.closed}
        opened = [*plan.remainders, *([plan.short] if plan.short else [])]
        written |= {_key(OPEN, lot): {"v": RECORD_VERSION, "lot": lot.to_record()} for lot in opened}
        await self.storage.store_many(written)
        taken: list[Lot] = []
        for lot in plan.consumed:
            if await self.storage.delete(_key(OPEN, lot)):
                taken.append(lot)
                continue
            for key in written:
                await self.storage.delete(key)
            if taken:
                await self.add(taken)
            raise LotChanged(
                f"the {lot.symbol} lot of {lot.quantity:g} bought {lot.opened} was sold, edited or removed in "
                "another terminal meanwhile; this sale was not made (the lots are read again)"
            )
        return plan

    async def symbols(self) -> list[str]:
        """Symbols with open lots (from the keys alone: cheap)."""
        return sorted({key[len(OPEN) :].split("/", 1)[0] for key in await self.storage.keys(OPEN)})
