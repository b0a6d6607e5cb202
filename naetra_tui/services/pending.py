"""Writes the storage refused are kept, retried and landed — never dropped.

``PendingWrites`` sits between ``AppState`` and the storage plugin. A write of the user's own
records (watchlists, settings, alerts, toggles, chats, positions) that fails — the disk is
full, the PostgreSQL or Redis server died — is kept in order, saved to a small local journal
(so a quit or a crash keeps it for the next start) and retried with backoff until the storage
answers. Meanwhile reads of those records answer from what was last read or written, so the
edit shows on screen as the user made it.

When the storage is back each kept change lands only if its record is still as this terminal
last saw it: a record another terminal changed meanwhile keeps the other terminal's version
(and the change is reported as a conflict, not written over it).

Caches (``cache/...``) are not the user's work: their writes pass straight through.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ..core.errors import StorageError
from ..core.metrics import METRICS
from ..core.secrets import redact
from ..core.text import clean_line
from .journal import Journal

if TYPE_CHECKING:
    from ..core.interfaces import IStorage

log = logging.getLogger(__name__)

#: Records that are the user's work (kept when a write fails); everything else is a cache.
USER_PREFIXES = (
    "wl/",
    "settings/",
    "alerts/",
    "alerts-log/",
    "plugins/",
    "chat/",
    "portfolio/",
    "proposals/",
)
#: Seconds between retries: doubling, then every 30 s until the storage answers.
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


DELETED = _Marker("DELETED")  # a kept delete
UNKNOWN = _Marker("UNKNOWN")  # this terminal never saw the record before changing it


@dataclass
class PendingChange:
    value: Any  # the record to write, or DELETED
    base: Any  # the record as this terminal last saw it (None: absent), or UNKNOWN
    since: float  # wall-clock time of the first kept change


class _Copy:
    """A record that is not plain JSON, kept as a deep copy."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = copy.deepcopy(value)


def _frozen(value: Any) -> str | _Copy:
    """A record as compact JSON text (immutable: no copy needed), or a copy if it is not JSON.
    Text, not orjson's bytes: those keep a 4 kB buffer each, whatever their length."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return _Copy(value)


def _thawed(kept: str | _Copy) -> Any:
    """A fresh record from what ``_frozen`` kept (the caller may change it)."""
    return orjson.loads(kept) if isinstance(kept, str) else copy.deepcopy(kept.value)


def is_user_record(key: str) -> bool:
    return key.startswith(USER_PREFIXES)


def _why(exc: BaseException) -> str:
    return clean_line(redact(str(exc)))[:160] or type(exc).__name__


class PendingWrites:
    """An ``IStorage`` view that keeps the user's refused writes until they land.

    Args:
        storage: the storage plugin.
        journal: where kept changes are saved between runs (None: kept in memory only).
        delays: seconds between retries (the last one repeats).
        on_change: called after the set of kept changes changes (status bar, notices).
    """

    def __init__(
        self,
        storage: IStorage,
        journal: Path | None = None,
        *,
        delays: tuple[float, ...] | None = None,
        on_change: Callable[[], None] | None = None,
        name: str = "storage",
    ) -> None:
        self.storage = storage
        self.name = name  # the storage plugin's name, for its call statistics
        #: This process's own journal file (see services/journal.py), None in memory only.
        self._journal = Journal(journal) if journal is not None else None
        self.journal = self._journal.path if self._journal is not None else None
        self.notices: list[str] = []  # journal files refused or set aside: said once at start
        self.delays = delays or RETRY_DELAYS
        self.on_change = on_change
        self._pending: dict[str, PendingChange] = {}
        # user records as last read or written, kept as compact JSON (``_frozen``): 100,000 lots
        # held as dicts cost ~130 MB, as bytes ~15 MB
        self._seen: dict[str, Any] = {}
        self._listed: set[str] = set()  # user prefixes listed: their keys are all known
        self._known_keys: set[str] = set()  # user keys met in listings (values maybe unread)
        self.reason: str | None = None  # why the storage refused the last write
        self.journal_problem: str | None = None  # why the journal could not be written
        self.conflicts: list[str] = []  # kept changes not landed: another terminal's edit won
        self.landed = 0  # kept changes landed since the last take_landed()
        self._attempt = 0
        self._retry: asyncio.Task[None] | None = None
        self._flushing = asyncio.Lock()
        self.next_retry_at: float | None = None  # time.monotonic() of the next attempt
        self._load_journal()

    # --- what the app shows -------------------------------------------------------------

    @property
    def location(self) -> str:
        return self.storage.location

    @property
    def atomic_batches(self) -> bool:
        return getattr(self.storage, "atomic_batches", False)

    @property
    def unsaved(self) -> int:
        return len(self._pending)

    def describe(self) -> str | None:
        """One line for the status bar and the quit warning, or None when all is saved."""
        if not self._pending:
            return None
        count = len(self._pending)
        changes = "1 change" if count == 1 else f"{count} changes"
        why = self.reason or "waiting to be saved"
        return f"UNSAVED {changes}: {why}"

    def take_landed(self) -> tuple[int, list[str]]:
        """Kept changes landed, and conflicts found, since the last call (for one notice)."""
        landed, conflicts = self.landed, self.conflicts
        self.landed, self.conflicts = 0, []
        return landed, conflicts

    # --- IStorage: reads ----------------------------------------------------------------

    async def retrieve(self, key: str) -> Any:
        if key in self._pending:
            value = self._pending[key].value
            return None if value is DELETED else copy.deepcopy(value)
        try:
            with METRICS.track("storage", self.name, "retrieve"):
                value = await self.storage.retrieve(key)
        except StorageError:
            if is_user_record(key) and key in self._seen:
                return _thawed(self._seen[key])
            raise
        if is_user_record(key):
            self._remember(key, value)
        return value

    async def retrieve_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """As ``retrieve`` for each key, in one read of the storage for those not kept here."""
        found: dict[str, Any] = {}
        wanted = []
        for key in keys:
            if key in self._pending:
                value = self._pending[key].value
                if value is not DELETED:
                    found[key] = copy.deepcopy(value)
            else:
                wanted.append(key)
        try:
            with METRICS.track("storage", self.name, "retrieve"):
                read = await self.storage.retrieve_many(wanted) if wanted else {}
        except StorageError:
            if not all(is_user_record(k) and k in self._seen for k in wanted):
                raise
            read = {k: _thawed(self._seen[k]) for k in wanted if self._seen[k] is not None}
        for key in wanted:
            if is_user_record(key):
                self._remember(key, read.get(key))
        return found | read

    async def keys(self, prefix: str = "") -> list[str]:
        try:
            found = set(await self.storage.keys(prefix))
        except StorageError:
            if not is_user_record(prefix):
                raise
            found = {k for k in self._known_keys | self._seen.keys() if k.startswith(prefix)}
        else:
            if is_user_record(prefix):
                self._known_keys.difference_update([k for k in self._known_keys if k.startswith(prefix)])
                self._known_keys.update(found)
                self._listed.add(prefix)
        for key, change in self._pending.items():
            if key.startswith(prefix):
                (found.discard if change.value is DELETED else found.add)(key)
        return sorted(found)

    # --- IStorage: writes ---------------------------------------------------------------

    async def store(self, key: str, data: Any) -> None:
        await self._write({key: data})

    async def store_many(self, items: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        await self._write(dict(items))

    async def delete(self, key: str) -> bool:
        try:
            existed = await self.retrieve(key) is not None
        except StorageError:
            existed = key in self._known_keys
        await self._write({key: DELETED})
        return existed

    async def store_expiring(self, key: str, data: Any, ttl: float) -> None:
        await self.storage.store_expiring(key, data, ttl)  # a cache: refused is simply not cached

    async def _write(self, items: dict[str, Any]) -> None:
        if not any(is_user_record(k) for k in items):
            await self._apply(items)  # caches and plugins' own keys: their errors are theirs
            return
        if self._pending:  # behind the changes already waiting, in order
            self._keep(items)
            self._schedule(0.0)
            return
        try:
            await self._apply(items)
        except StorageError as exc:
            self.reason = _why(exc)
            log.warning("storage refused a write; kept to retry: %s", self.reason)
            self._keep(items)
            self._schedule(self.delays[0])

    async def _apply(self, items: dict[str, Any]) -> None:
        with METRICS.track("storage", self.name, "write"):
            await self._write_through(items)

    async def _write_through(self, items: dict[str, Any]) -> None:
        stores = {k: v for k, v in items.items() if v is not DELETED}
        if len(stores) == 1:
            await self.storage.store(*next(iter(stores.items())))
        elif stores:
            await self.storage.store_many(stores)
        for key in (k for k, v in items.items() if v is DELETED):
            await self.storage.delete(key)
        for key, value in items.items():
            if is_user_record(key):
                self._remember(key, None if value is DELETED else value)

    def _remember(self, key: str, value: Any) -> None:
        if value is None:
            self._seen.pop(key, None)
            self._known_keys.discard(key)
        else:
            self._seen[key] = _frozen(value)
            self._known_keys.add(key)

    def _keep(self, items: dict[str, Any]) -> None:
        now = time.time()
        for key, value in items.items():
            if key in self._pending:  # a later change to a kept record: its base stays
                self._pending[key].value = copy.deepcopy(value) if value is not DELETED else DELETED
            else:
                kept = copy.deepcopy(value) if value is not DELETED else DELETED
                self._pending[key] = PendingChange(kept, self._base(key), now)
        self._save_journal()
        self._changed()

    def _base(self, key: str) -> Any:
        """The record as this terminal last knew it, for the conflict check when it lands."""
        if key in self._seen:
            return _thawed(self._seen[key])
        if key not in self._known_keys and any(key.startswith(p) for p in self._listed):
            return None  # known to be absent: a new record
        return UNKNOWN

    # --- retrying -----------------------------------------------------------------------

    def _schedule(self, delay: float) -> None:
        if self._retry is not None and not self._retry.done():
            return
        try:
            self._retry = asyncio.get_running_loop().create_task(self._retry_loop(delay))
        except RuntimeError:  # no loop (a journal read outside one): start() schedules it
            self._retry = None

    async def _retry_loop(self, delay: float) -> None:
        while self._pending:
            self.next_retry_at = time.monotonic() + delay
            await asyncio.sleep(delay)
            if await self.flush():
                break
            delay = self.delays[min(self._attempt, len(self.delays) - 1)]
        self.next_retry_at = None

    def start(self) -> None:
        """Retry the changes a previous run kept (call inside the event loop)."""
        if self._pending:
            self._schedule(0.0)

    async def flush(self) -> bool:
        """Try to land every kept change now. True when none is left."""
        async with self._flushing:
            while self._pending:
                key, change = next(iter(self._pending.items()))
                try:
                    await self._land(key, change)
                except StorageError as exc:
                    self.reason = _why(exc)
                    self._attempt += 1
                    log.info("kept changes not saved yet (attempt %d): %s", self._attempt, self.reason)
                    self._changed()
                    return False
                if self._pending.get(key) is change:
                    del self._pending[key]
                self._save_journal()
            self.reason, self._attempt = None, 0
            self._changed()
            return True

    async def _land(self, key: str, change: PendingChange) -> None:
        current = await self.storage.retrieve(key)
        wanted = None if change.value is DELETED else change.value
        if current == wanted:
            pass  # already there (the refused write had in fact landed)
        elif change.base is not UNKNOWN and current != change.base:
            log.warning("not saving the kept change to %s: another terminal changed it meanwhile", key)
            self.conflicts.append(key)
            self._remember(key, current)
            return
        elif change.value is DELETED:
            await self.storage.delete(key)
        else:
            await self.storage.store(key, change.value)
        self._remember(key, wanted)
        self.landed += 1

    async def close(self, timeout: float = 1.0) -> None:
        """One last try (bounded), then stop retrying; what is left stays in the journal."""
        if self._pending:
            with contextlib.suppress(TimeoutError, StorageError):
                await asyncio.wait_for(self.flush(), timeout)
        if self._retry is not None:
            self._retry.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._retry
            self._retry = None
        if self._journal is not None:
            self._journal.close()  # what is left may now be adopted by the next run

    async def cleanup(self) -> None:
        await self.storage.cleanup()

    def _changed(self) -> None:
        if self.on_change is not None:
            try:
                self.on_change()
            except Exception:  # a notice must not break the write path
                log.exception("pending-writes listener failed")

    # --- the journal --------------------------------------------------------------------

    def _save_journal(self) -> None:
        if self._journal is None:
            return
        try:
            entries = [
                {
                    "key": key,
                    "deleted": change.value is DELETED,
                    "value": None if change.value is DELETED else change.value,
                    "base_known": change.base is not UNKNOWN,
                    "base": None if change.base is UNKNOWN else change.base,
                    "since": change.since,
                }
                for key, change in self._pending.items()
            ]
            self._journal.save(entries)
            self.journal_problem = None
        except (OSError, TypeError, ValueError) as exc:
            # the same full disk may refuse the journal too: the changes stay in memory
            self.journal_problem = _why(exc)
            log.warning("could not save kept changes to %s: %s", self.journal, self.journal_problem)

    def _load_journal(self) -> None:
        """Adopt the changes kept by earlier runs (or other terminals that have ended)."""
        if self._journal is None:
            return
        for entry in self._journal.adopt(accept=lambda e: is_user_record(e.key)):
            value = DELETED if entry.deleted else entry.value
            base = entry.base if entry.base_known else UNKNOWN
            self._pending[entry.key] = PendingChange(value, base, entry.since)
        self.notices.extend(self._journal.problems)
        if self._pending:
            self._save_journal()  # ours now: the ended runs' files can go
            if self.journal_problem is None:
                self._journal.forget_adopted()
            self.reason = "kept from the last run; saving…"
            log.info("%d changes kept from the last run", len(self._pending))
