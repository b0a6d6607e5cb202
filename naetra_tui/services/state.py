"""The app's saved state on top of any ``IStorage`` backend.

Every record lives under its own key, so two processes sharing one database never overwrite
each other's changes (adding AAPL in one terminal and MSFT in another keeps both):

======================================  =============================================
``wl/<list>/meta``                      a watchlist exists (created_at)
``wl/<list>/sym/<SYMBOL>``              a symbol in a list (position, added_at)
``plugins/toggle/<category>/<name>``    a plugin switched on/off by the user
``chat/<conv>/msg/<time_ns>-<pid>``     one chat message
``cache/history/<symbol>/<tf>/<range>``  a cached price history with fetch time (TTL)
``cache/analysis/<analyzer>/<symbol>/<timeframe>``   a cached analysis (TTL)
``settings/<name>``                     a UI setting (theme, last screen, active list ...)
``alerts/<id>``                         an alert
======================================  =============================================

Each value is a versioned record ``{"v": 1, ...}``.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..core.errors import NaetraError
from ..core.models import ChatMessage, PriceHistory, utcnow
from ..core.normalize import history_from_arrays
from ..core.symbols import is_valid_symbol, normalize_symbol
from ..core.text import clean_line

if TYPE_CHECKING:
    from ..config import LoadedConfig
    from ..core.interfaces import IStorage
    from ..plugin_host.manager import PluginManager
    from .pending import PendingWrites

log = logging.getLogger(__name__)

RECORD_VERSION = 1
_LIST_NAME = re.compile(r"^[\w .()-]{1,40}$")


class InvalidName(NaetraError, ValueError):
    """A watchlist or conversation name that cannot be used."""


def check_list_name(name: str) -> str:
    """Raises: InvalidName (empty, too long, or with '/' or control characters)."""
    name = name.strip()
    if not _LIST_NAME.match(name):
        raise InvalidName(
            f"'{name[:40]}' is not a usable watchlist name: letters, digits, spaces and . - ( ) (max 40)"
        )
    return name


_COLUMNS = ("open", "high", "low", "close", "volume")


def _pack_columns(history: PriceHistory) -> dict[str, str]:
    """Columns as base64 of little-endian arrays: a 10-year history decodes in about a millisecond
    (JSON lists of 15,000 numbers take several)."""
    packed = {"timestamp": base64.b64encode(history.timestamps.astype("<i8").tobytes()).decode()}
    for name in _COLUMNS:
        packed[name] = base64.b64encode(getattr(history, name).astype("<f8").tobytes()).decode()
    return packed


def _unpack_columns(packed: dict[str, str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    stamps = np.frombuffer(base64.b64decode(packed["timestamp"]), dtype="<i8").astype("datetime64[s]")
    arrays = {name: np.frombuffer(base64.b64decode(packed[name]), dtype="<f8").copy() for name in _COLUMNS}
    return stamps, arrays


def _record(**fields: Any) -> dict[str, Any]:
    return {"v": RECORD_VERSION, **fields}


@dataclass
class StorageChoice:
    """Which storage is in use, and whether it is the one the user asked for."""

    storage: IStorage
    name: str
    location: str
    wanted: str
    warning: str | None = None
    owned_by_manager: bool = True
    #: The user's refused writes, kept and retried (see services/pending.py).
    pending: PendingWrites | None = None

    @property
    def persistent(self) -> bool:
        return self.name != "memory"


class AppState:
    """Typed access to everything the app saves."""

    def __init__(self, storage: IStorage | PendingWrites) -> None:
        self.storage = storage
        #: Malformed records met in a shared store (key -> why), skipped: see ``take_skipped``.
        self._skipped: dict[str, str] = {}
        self._reported: set[str] = set()

    def take_skipped(self, prefix: str = "") -> dict[str, str]:
        """Malformed records (under ``prefix``) skipped since the last call, each reported once
        (for a notice)."""
        new = {k: v for k, v in self._skipped.items() if k not in self._reported and k.startswith(prefix)}
        self._reported.update(new)
        return new

    def _entry(self, prefix: str, key: str, value: Any) -> tuple[float, str] | None:
        """``(position, symbol)`` of a watchlist record, or None (and remembered) if another
        program or a buggy version wrote something this app cannot use."""
        symbol = key[len(prefix) :]
        position = value.get("position", 0.0) if isinstance(value, dict) else None
        if isinstance(position, bool) or not isinstance(position, int | float) or position != position:
            why = "its position is not a number"
        elif not is_valid_symbol(symbol):
            why = "its name is not a symbol"
        else:
            self._skipped.pop(key, None)  # mended meanwhile
            self._reported.discard(key)
            return float(position), symbol
        if key not in self._skipped:
            log.warning("skipped the malformed record %s: %s", key, why)
            self._skipped[key] = why
        return None

    # --- watchlists -----------------------------------------------------------------------

    async def watchlist_names(self) -> list[str]:
        keys = await self.storage.keys("wl/")
        return sorted({k.split("/")[1] for k in keys if k.endswith("/meta")}, key=str.lower)

    async def ensure_default(self, name: str, symbols: list[str]) -> None:
        """Create the first watchlist from the config's defaults when there is none."""
        if await self.watchlist_names():
            return
        await self.create_watchlist(name, symbols)

    async def create_watchlist(self, name: str, symbols: list[str] | None = None) -> str:
        name = check_list_name(name)
        items: dict[str, Any] = {f"wl/{name}/meta": _record(created_at=time.time())}
        for position, symbol in enumerate(symbols or []):
            clean = normalize_symbol(symbol)
            items[f"wl/{name}/sym/{clean}"] = _record(position=float(position), added_at=time.time())
        await self.storage.store_many(items)
        return name

    async def delete_watchlist(self, name: str) -> dict[str, Any]:
        """Delete a list and its symbols; returns their records, to restore (undo)."""
        records: dict[str, Any] = await self.storage.retrieve_many(await self.storage.keys(f"wl/{name}/"))
        for key in records:
            await self.storage.delete(key)
        return records

    async def restore_records(self, records: dict[str, Any]) -> None:
        await self.storage.store_many(records)

    async def rename_watchlist(self, old: str, new: str) -> None:
        """The list's records under the new name (stored first: nothing is lost midway), then
        the old ones deleted; the active list follows."""
        records = await self.storage.retrieve_many(await self.storage.keys(f"wl/{old}/"))
        await self.storage.store_many({f"wl/{new}/" + k[len(f"wl/{old}/") :]: v for k, v in records.items()})
        for key in records:
            await self.storage.delete(key)
        if await self.setting("active_watchlist") == old:
            await self.set_setting("active_watchlist", new)

    async def watchlist_members(self, name: str) -> set[str]:
        """The list's symbols, unordered: one key listing, no records read."""
        prefix = f"wl/{name}/sym/"
        skipped = {key for key in self._skipped if key.startswith(prefix)}  # known bad: not members
        return {key[len(prefix) :] for key in await self.storage.keys(prefix) if key not in skipped}

    async def watchlist(self, name: str) -> list[str]:
        """Symbols of a list in order (fresh from storage: sees other processes' changes)."""
        prefix = f"wl/{name}/sym/"
        entries = []
        for key in await self.storage.keys(prefix):
            value = await self.storage.retrieve(key)
            if value is not None and (entry := self._entry(prefix, key, value)) is not None:
                entries.append(entry)
        return [symbol for _, symbol in sorted(entries)]

    async def add_symbol(self, name: str, symbol: str) -> str:
        """Append a symbol (normalised). Raises: InvalidSymbol."""
        return (await self.add_symbols(name, [symbol]))[0]

    async def add_symbols(self, name: str, symbols: list[str]) -> list[str]:
        """Append symbols (normalised; one on the list already keeps its place) in one batch.
        Raises: InvalidSymbol (then none is added)."""
        cleaned = [normalize_symbol(symbol) for symbol in symbols]
        positions = await self._positions(name)
        last = max(positions.values(), default=-1.0)
        items: dict[str, Any] = {}
        for clean in cleaned:
            if clean not in positions:
                last += 1.0
            items[f"wl/{name}/sym/{clean}"] = _record(
                position=positions.get(clean, last), added_at=time.time()
            )
        if await self.storage.retrieve(f"wl/{name}/meta") is None:  # deleted by another terminal
            items[f"wl/{name}/meta"] = _record(created_at=time.time())
        await self.storage.store_many(items)
        return cleaned

    async def remove_symbol(self, name: str, symbol: str) -> dict[str, Any] | None:
        """Remove a symbol; returns its record so the removal can be undone."""
        key = f"wl/{name}/sym/{symbol}"
        record: dict[str, Any] | None = await self.storage.retrieve(key)
        await self.storage.delete(key)
        return record

    async def restore_symbol(self, name: str, symbol: str, record: dict[str, Any]) -> None:
        await self.storage.store(f"wl/{name}/sym/{symbol}", record)

    async def move_symbol(self, name: str, symbol: str, offset: int) -> None:
        """Move a symbol up (-1) or down (+1): only its own position changes."""
        ordered = await self.watchlist(name)
        if symbol not in ordered:
            return
        positions = await self._positions(name)
        index = ordered.index(symbol)
        target = min(max(index + offset, 0), len(ordered) - 1)
        if target == index:
            return
        others = [s for s in ordered if s != symbol]
        before = positions[others[target - 1]] if target > 0 else positions[others[0]] - 2.0
        after = positions[others[target]] if target < len(others) else before + 2.0
        record = await self.storage.retrieve(f"wl/{name}/sym/{symbol}") or _record(added_at=time.time())
        record["position"] = (before + after) / 2.0
        await self.storage.store(f"wl/{name}/sym/{symbol}", record)

    async def _positions(self, name: str) -> dict[str, float]:
        prefix = f"wl/{name}/sym/"
        out: dict[str, float] = {}
        for key in await self.storage.keys(prefix):
            value = await self.storage.retrieve(key)
            if value is not None and (entry := self._entry(prefix, key, value)) is not None:
                out[entry[1]] = entry[0]
        return out

    # --- settings -------------------------------------------------------------------------

    async def setting(self, name: str, default: Any = None) -> Any:
        value = await self.storage.retrieve(f"settings/{name}")
        return value.get("value", default) if isinstance(value, dict) else default

    async def set_setting(self, name: str, value: Any) -> None:
        await self.storage.store(f"settings/{name}", _record(value=value))

    # --- chats ----------------------------------------------------------------------------

    async def append_message(self, conversation: str, message: ChatMessage) -> None:
        key = f"chat/{conversation}/msg/{time.time_ns():020d}-{os.getpid()}"
        await self.storage.store(key, _record(message=message.model_dump(mode="json")))

    async def conversation(self, conversation: str) -> list[ChatMessage]:
        """The messages, oldest first; a malformed record is skipped (logged, and counted in
        ``skipped``), never fatal."""
        from pydantic import ValidationError

        messages = []
        for key in await self.storage.keys(f"chat/{conversation}/msg/"):
            value = await self.storage.retrieve(key)
            try:
                if not isinstance(value, dict) or "message" not in value:
                    raise ValueError("not a chat message record")
                messages.append(ChatMessage.model_validate(value["message"]))
            except (ValidationError, ValueError, TypeError) as exc:
                why = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
                log.warning("skipped the malformed chat record %s: %s", clean_line(key), clean_line(why))
                self._skipped[key] = clean_line(why)
        return messages

    async def conversations(self) -> list[str]:
        return sorted({k.split("/")[1] for k in await self.storage.keys("chat/")})

    async def clear_conversation(self, conversation: str) -> None:
        for key in await self.storage.keys(f"chat/{conversation}/"):
            await self.storage.delete(key)

    # --- caches ---------------------------------------------------------------------------

    async def cache_history(self, history: PriceHistory, ttl: float, range_name: str = "default") -> None:
        key = f"cache/history/{history.symbol}/{history.timeframe}/{range_name}"
        await self._store_ttl(
            key,
            _record(
                source=history.source,
                simulated=history.simulated,
                fetched_at=history.fetched_at.timestamp(),
                columns=_pack_columns(history),
            ),
            ttl,
        )

    async def cached_history(
        self, symbol: str, timeframe: str, range_name: str = "default"
    ) -> PriceHistory | None:
        value = await self.storage.retrieve(f"cache/history/{symbol}/{timeframe}/{range_name}")
        if not isinstance(value, dict) or value.get("v") != RECORD_VERSION:
            return None
        stamps, arrays = _unpack_columns(value["columns"])
        return history_from_arrays(
            symbol,
            timeframe,
            stamps,
            arrays,
            source=value["source"],
            simulated=bool(value.get("simulated")),
            fetched_at=datetime.fromtimestamp(value["fetched_at"], UTC),
        )

    async def cache_analysis(
        self, analyzer: str, symbol: str, timeframe: str, fingerprint: str, payload: Any, ttl: float
    ) -> None:
        key = f"cache/analysis/{analyzer}/{symbol}/{timeframe}"
        await self._store_ttl(
            key, _record(fingerprint=fingerprint, analysis=payload, at=utcnow().timestamp()), ttl
        )

    async def cached_analysis(self, analyzer: str, symbol: str, timeframe: str, fingerprint: str) -> Any:
        value = await self.storage.retrieve(f"cache/analysis/{analyzer}/{symbol}/{timeframe}")
        if isinstance(value, dict) and value.get("fingerprint") == fingerprint:
            return value.get("analysis")
        return None

    async def _store_ttl(self, key: str, value: Any, ttl: float) -> None:
        await self.storage.store_expiring(key, value, ttl)

    # --- alerts ---------------------------------------------------------------------------

    async def alerts(self) -> list[dict[str, Any]]:
        out = []
        for key in await self.storage.keys("alerts/"):
            value = await self.storage.retrieve(key)
            if isinstance(value, dict):
                out.append(value)
        return out

    async def save_alert(self, alert_id: str, alert: dict[str, Any]) -> None:
        await self.storage.store(f"alerts/{alert_id}", _record(**alert, id=alert_id))

    async def delete_alert(self, alert_id: str) -> None:
        await self.storage.delete(f"alerts/{alert_id}")


class StorageToggleStore:
    """Plugin toggles in storage (one key per plugin), connected by ``open_state``."""

    def __init__(self) -> None:
        self.state: AppState | None = None

    async def load(self) -> dict[str, bool]:
        if self.state is None:
            return {}
        out: dict[str, bool] = {}
        for key in await self.state.storage.keys("plugins/toggle/"):
            value = await self.state.storage.retrieve(key)
            if isinstance(value, dict) and "enabled" in value:
                out[key.removeprefix("plugins/toggle/")] = bool(value["enabled"])
        return out

    async def save(self, toggles: dict[str, bool]) -> None:
        if self.state is None:
            raise RuntimeError("storage is not open yet")
        current = await self.load()
        changed = {k: v for k, v in toggles.items() if current.get(k) != v}
        if changed:
            await self.state.storage.store_many(
                {f"plugins/toggle/{k}": _record(enabled=v) for k, v in changed.items()}
            )


def toggle_store_for(loaded: LoadedConfig) -> StorageToggleStore:
    """The toggle store of a run; ``open_state`` connects it to the storage it opens."""
    return StorageToggleStore()


async def open_state(
    loaded: LoadedConfig, manager: PluginManager, *, allow_fallback: bool = True
) -> tuple[AppState, StorageChoice]:
    """Start the configured storage plugin (before the others, so toggles can be read) and
    open the app state on it — or, if it cannot start, on SQLite at the default place or in
    memory, with a warning that says so. Never raises for a storage failure.

    A fallback storage is not owned by the plugin manager: close it with ``close_choice``.

    Raises:
        StorageUnavailable: with ``allow_fallback=False``, when the configured storage cannot start
            (no other storage is opened, not even created).
    """
    from ..plugin_host.discovery import resolve_entry_point

    wanted = loaded.config.app.storage
    record = manager.records.get(f"storage/{wanted}")
    if record is None:
        reason = f"there is no storage plugin named '{wanted}' under plugins.storage in the config"
    elif not record.entry.enabled:
        reason = "it is disabled in the config"
    else:
        # toggles live in storage, so the storage plugin itself follows its config 'enabled'
        await manager.start("storage", wanted)
        if record.loaded:
            storage = cast("IStorage", record.instance)  # loaded as a storage: discovery checked it
            choice = StorageChoice(storage, wanted, storage.location, wanted)
            return _finish(manager, AppState(storage), choice)
        reason = record.error or "it failed to start"
    if not allow_fallback:
        from ..core.errors import StorageUnavailable

        raise StorageUnavailable(
            f"cannot use the storage '{wanted}': {reason}; nothing was read or written (see `naetra-tui doctor`)"
        )
    default_sqlite_failed = (
        record is not None
        and (record.entry.plugin == "sqlite" or (record.entry.class_path or "").endswith(".SQLiteStorage"))
        and not record.entry.config.get("path")
    )
    # The fallbacks are the installed plugins, found as any plugin is: no service imports one.
    fallback = cast("IStorage", resolve_entry_point("storage", "memory", "memory")[0]())
    name, location = "memory", "memory only (nothing will be saved)"
    if not default_sqlite_failed:
        try:
            sqlite = cast("IStorage", resolve_entry_point("storage", "sqlite", "sqlite")[0]())
            await sqlite.initialize({})
            fallback, name, location = sqlite, "sqlite", f"SQLite at {sqlite.location}"
        except NaetraError as exc:
            log.warning("fallback SQLite failed too: %s", exc)
    warning = f"Not saving to '{wanted}': {reason}. Saving to {location} instead."
    log.warning(warning)
    choice = StorageChoice(fallback, name, location, wanted, warning, owned_by_manager=False)
    return _finish(manager, AppState(fallback), choice)


async def stop_retrying(choice: StorageChoice, timeout: float = 1.0) -> None:
    """Before the storage closes: one bounded last try to land kept changes; what is left
    stays in the journal for the next start."""
    if choice.pending is not None:
        await choice.pending.close(timeout)


async def close_choice(choice: StorageChoice) -> None:
    """Close a fallback storage (the manager closes the ones it owns)."""
    if not choice.owned_by_manager:
        await choice.storage.cleanup()


def _finish(manager: PluginManager, state: AppState, choice: StorageChoice) -> tuple[AppState, StorageChoice]:
    from ..core.paths import user_state_dir
    from .journal import journal_path_for
    from .pending import PendingWrites

    if choice.persistent:  # memory storage never refuses a write
        journal = journal_path_for(choice.storage.identity, user_state_dir())
        choice.pending = PendingWrites(choice.storage, journal, name=choice.name)
        choice.pending.start()
        state.storage = choice.pending
    if isinstance(manager.toggle_store, StorageToggleStore):
        manager.toggle_store.state = state
    return state, choice


def describe_storage(choice: StorageChoice) -> str:
    """One line for ``--check-config`` and the status bar."""
    return choice.warning or f"storage: saving to {choice.location}"
