"""The async plugin manager of the module development guide, made fault-tolerant.

Guide API (unchanged): ``PluginManager(config_path)``, ``await initialize()``,
``await load_plugin(plugin_config)``, ``get_plugin(category, name)`` and the ``plugins`` dict
``{category: {name: instance}}``.

Added: every plugin has a state (disabled / starting / ready / degraded / failed + reason);
plugins start concurrently, each with a timeout, and one raising or hanging never stops the
others; ``enable()`` / ``disable()`` / ``retry()`` at runtime; periodic health checks;
``cleanup()`` of everything on exit; state-change subscriptions for the UI; toggles remembered
through a ``ToggleStore``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..config import (
    LoadedConfig,
    PluginEntry,
    load_config,
    validate_plugin_config,
)
from ..core.errors import (
    ConfigurationError,
    NaetraError,
    PluginError,
    PluginLoadError,
    PluginNotLoaded,
    PluginTimeout,
)
from ..core.interfaces import CATEGORIES, IPlugin
from ..core.models import Health, PluginState, utcnow
from ..core.secrets import redact, register_secrets_in
from . import discovery, reload
from .record import PluginRecord as PluginRecord  # re-exported: part of the manager's API
from .record import entry_from_mapping
from .toggles import MemoryToggleStore, ToggleStore

log = logging.getLogger(__name__)

CLEANUP_TIMEOUT = 5.0
HEALTH_TIMEOUT = 10.0


Listener = Callable[[PluginRecord], None]


class PluginManager:
    """Loads, starts, watches and stops the plugins named in a config."""

    def __init__(
        self,
        config_path: str | Path | None = None,
        *,
        config: LoadedConfig | None = None,
        toggles: ToggleStore | None = None,
        timeout: float | None = None,
    ) -> None:
        """
        Args:
            config_path: a config.yaml (the guide's form). Ignored when ``config`` is given.
            config: an already-loaded config.
            toggles: where enable/disable choices are remembered (default: in memory).
            timeout: seconds each ``initialize()`` may take (default: ``app.plugin_timeout``).

        Raises:
            ConfigurationError: the config file is missing or invalid.
        """
        if config is None:
            if config_path is None:
                raise ConfigurationError("PluginManager needs a config path or a loaded config")
            config = load_config(config_path)
        self.loaded_config = config
        self.config = config.config
        self.toggle_store: ToggleStore = toggles or MemoryToggleStore()
        self.timeout = timeout if timeout is not None else self.config.app.plugin_timeout
        self.plugins: dict[str, dict[str, Any]] = {c: {} for c in self.config.plugins.categories()}
        self.records: dict[str, PluginRecord] = {}
        self._toggles: dict[str, bool] = {}
        self._listeners: list[Listener] = []
        self._health_task: asyncio.Task[None] | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._orphans: set[asyncio.Task[Any]] = set()
        for category, index, entry in self.config.plugins.entries():
            register_secrets_in(entry.config)
            record = PluginRecord(category, index, entry)
            self.records[record.key] = record
        # A class: path may name the user's own code beside the config (the guide's plugins/).
        directory = config.directory
        self.user_dir = None if directory is None or discovery.is_own_directory(directory) else directory

    # --- queries --------------------------------------------------------------------------

    def get_plugin(self, category: str, name: str) -> Any:
        """The running instance of a plugin (the guide's API).

        Raises:
            PluginNotLoaded: unknown, disabled or failed (the message says which).
        """
        record = self.records.get(f"{category}/{name}")
        if record is None:
            raise PluginNotLoaded(f"no plugin named '{name}' in {category}", category=category, name=name)
        if not record.loaded:
            reason = f": {record.error}" if record.error else ""
            raise PluginNotLoaded(f"plugin is {record.state.value}{reason}", category=category, name=name)
        return record.instance

    def record(self, category: str, name: str) -> PluginRecord:
        """Raises: PluginNotLoaded for an unknown plugin."""
        try:
            return self.records[f"{category}/{name}"]
        except KeyError:
            raise PluginNotLoaded(
                f"no plugin named '{name}' in {category}", category=category, name=name
            ) from None

    def records_of(self, category: str) -> list[PluginRecord]:
        """Records of one category, in config order."""
        return sorted((r for r in self.records.values() if r.category == category), key=lambda r: r.index)

    def active(self, category: str) -> list[tuple[str, Any]]:
        """``(name, instance)`` of loaded plugins of a category, in config order."""
        return [(r.name, r.instance) for r in self.records_of(category) if r.loaded]

    def move(self, category: str, name: str, offset: int) -> int:
        """Move a plugin up (-1) or down (+1) its category's order (the collectors' failover
        order) for this run; its new 0-based position. Raises: PluginNotLoaded."""
        record = self.record(category, name)
        ordered = self.records_of(category)
        here = ordered.index(record)
        there = min(max(here + offset, 0), len(ordered) - 1)
        if there != here:
            other = ordered[there]
            record.index, other.index = other.index, record.index
        return there

    def is_enabled(self, record: PluginRecord) -> bool:
        return self._toggles.get(record.key, record.entry.enabled)

    # --- events ---------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(record)`` on every state change. Returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _set_state(self, record: PluginRecord, state: PluginState, error: str | None = None) -> None:
        record.state = state
        record.error = redact(error) if error else None
        record.changed_at = utcnow()
        if record.loaded:
            self.plugins.setdefault(record.category, {})[record.name] = record.instance
        else:
            self.plugins.setdefault(record.category, {}).pop(record.name, None)
        if error:
            log.warning("plugin %s is %s: %s", record.key, state.value, record.error)
        else:
            log.info("plugin %s is %s", record.key, state.value)
        for listener in list(self._listeners):
            try:
                listener(record)
            except Exception:  # a broken listener must not break the manager
                log.exception("plugin state listener failed")

    # --- loading --------------------------------------------------------------------------

    def origin(self, record: PluginRecord) -> str:
        """Where a plugin comes from, also for one never loaded (disabled)."""
        if record.origin:
            return record.origin
        if record.entry.plugin:
            return (
                discovery.origin_of_entry_point(record.category, record.entry.plugin)
                or record.entry.reference
            )
        return record.entry.reference

    def resolve(self, category: str, entry: PluginEntry) -> tuple[type[IPlugin], str]:
        """Find an entry's class without calling anything of it.

        Raises:
            PluginLoadError: see :mod:`naetra_tui.plugin_host.discovery`.
        """
        if entry.plugin:
            return discovery.resolve_entry_point(category, entry.plugin, entry.name)
        assert entry.class_path is not None
        return discovery.resolve_class_path(category, entry.class_path, entry.name, self.user_dir)

    def plugin_config(self, record: PluginRecord, cls: type[IPlugin]) -> dict[str, Any]:
        """The config handed to ``initialize()``, validated against ``cls.config_model``.

        Raises:
            ConfigurationError: with ``plugins.<category>[i].config.<key>`` and file:line.
        """
        model: type[BaseModel] | None = getattr(cls, "config_model", None)
        if model is None:
            return dict(record.entry.config)
        loc = ("plugins", record.category, record.index, "config")
        validated = validate_plugin_config(model, record.entry.config, self.loaded_config.source, loc)
        data = validated.model_dump()
        register_secrets_in(data)
        return data

    async def _start(self, record: PluginRecord) -> None:
        """Resolve, validate, construct and initialize one plugin; never raises."""
        lock = self._locks.setdefault(record.key, asyncio.Lock())
        async with lock:
            if record.loaded:
                return
            record.error_is_config = False
            self._set_state(record, PluginState.STARTING)
            started = time.perf_counter()
            timeout = record.entry.timeout or self.timeout
            instance: IPlugin | None = None
            try:
                cls, record.origin = self.resolve(record.category, record.entry)
                config = self.plugin_config(record, cls)
                instance = cls()
                await self._call_with_timeout(instance.initialize(config), timeout, record, "initialize()")
            except asyncio.CancelledError:
                if instance is not None:  # what initialize() opened before it was stopped
                    await self._safe_cleanup(record, instance)
                self._set_state(record, PluginState.DISABLED)
                raise
            except ConfigurationError as exc:
                record.error_is_config = True
                self._set_state(record, PluginState.FAILED, str(exc))
                return
            except NaetraError as exc:  # raised on purpose: its message is written for people
                message = exc.message if isinstance(exc, PluginError) else str(exc)
                self._set_state(record, PluginState.FAILED, message)
                if instance is not None:
                    await self._safe_cleanup(record, instance)
                return
            except Exception as exc:
                self._set_state(
                    record, PluginState.FAILED, f"initialize() raised {type(exc).__name__}: {exc}"
                )
                if instance is not None:
                    await self._safe_cleanup(record, instance)
                return
            record.instance = instance
            record.started_in = time.perf_counter() - started
            self._set_state(record, PluginState.READY)

    async def _call_with_timeout(self, coro: Any, timeout: float, record: PluginRecord, what: str) -> Any:
        """Await ``coro`` for at most ``timeout`` s; a plugin that ignores cancellation is left behind.

        Raises:
            PluginTimeout: it did not finish in time.
        """
        task = asyncio.ensure_future(coro)
        try:
            done, _ = await asyncio.wait({task}, timeout=timeout)
        except asyncio.CancelledError:
            # The caller gave up (the app is quitting): so does the plugin's call. Left
            # running, an initialize() finished alone with its connections open and nobody
            # to close them, and an open SQLite connection's thread kept the process alive.
            task.cancel()
            await asyncio.wait({task}, timeout=CLEANUP_TIMEOUT)
            raise
        if not done:
            task.cancel()
            self._orphans.add(task)
            task.add_done_callback(self._forget_orphan)
            raise PluginTimeout(
                f"{what} did not finish within {timeout:g} s", category=record.category, name=record.name
            )
        return task.result()

    def _forget_orphan(self, task: asyncio.Task[Any]) -> None:
        self._orphans.discard(task)
        if not task.cancelled():
            task.exception()  # retrieve it so asyncio does not log "never retrieved"

    async def _safe_cleanup(self, record: PluginRecord, instance: IPlugin) -> None:
        try:
            await self._call_with_timeout(instance.cleanup(), CLEANUP_TIMEOUT, record, "cleanup()")
        except Exception as exc:
            log.warning("cleanup of %s failed: %s", record.key, redact(str(exc)))

    async def initialize(self, categories: list[str] | None = None) -> None:
        """Initialize all enabled plugins concurrently (the guide's API). Never raises for a
        plugin's failure: look at each record's state.

        Args:
            categories: only these categories (the app starts data collectors first, so the
                watchlist fills in while the analyzers and the LLM are still starting).
        """
        if categories is None or not self._toggles:
            self._toggles = await self._load_toggles()
        starting = []
        for record in self.records.values():
            if categories is not None and record.category not in categories:
                continue
            if self.is_enabled(record):
                starting.append(self._start(record))
            else:
                self._set_state(record, PluginState.DISABLED)
        await asyncio.gather(*starting)

    async def load_plugin(
        self, plugin_config: dict[str, Any] | PluginEntry, category: str | None = None
    ) -> Any:
        """Load and initialize one plugin from an entry mapping (the guide's API).

        Args:
            plugin_config: ``{"name", "class" | "plugin", "config"}``.
            category: its category; found from the class's interface when omitted.

        Returns:
            The initialized instance (also registered under ``plugins[category][name]``).

        Raises:
            ConfigurationError: the entry or its config is invalid.
            PluginError: the plugin cannot be loaded or its ``initialize()`` failed.
        """
        entry = plugin_config if isinstance(plugin_config, PluginEntry) else entry_from_mapping(plugin_config)
        category = category or self._category_of(entry)
        key = f"{category}/{entry.name}"
        record = self.records.get(key)
        if record is None:
            record = PluginRecord(category, len(self.records_of(category)), entry)
            self.records[key] = record
            register_secrets_in(entry.config)
        await self._start(record)
        if not record.loaded:
            if record.error_is_config:
                raise ConfigurationError(record.error or "invalid plugin config")
            raise PluginError(record.error or "failed", category=category, name=entry.name)
        return record.instance

    def _category_of(self, entry: PluginEntry) -> str:
        errors: list[str] = []
        for category in CATEGORIES:
            try:
                self.resolve(category, entry)
                return category
            except PluginLoadError as exc:
                errors.append(exc.message)
        raise PluginLoadError(f"{entry.reference} fits no plugin category: {errors[0]}", name=entry.name)

    # --- runtime toggles ------------------------------------------------------------------

    async def _load_toggles(self) -> dict[str, bool]:
        try:
            return await self.toggle_store.load()
        except Exception as exc:
            log.warning("could not read remembered plugin toggles: %s", exc)
            return {}

    async def _remember(self, record: PluginRecord, enabled: bool) -> None:
        self._toggles[record.key] = enabled
        try:
            await self.toggle_store.save(dict(self._toggles))
        except Exception as exc:
            log.warning("could not remember plugin toggle %s: %s", record.key, exc)

    async def enable(self, category: str, name: str) -> PluginRecord:
        """Switch a plugin on (initializing it) and remember the choice.

        Returns the record; its state says whether starting worked. A plugin that fails to
        start is left disabled-by-failure (``failed``) and the choice is not remembered as on.

        Raises:
            PluginNotLoaded: no such plugin in the config.
        """
        record = self.record(category, name)
        await self._start(record)
        if record.loaded:
            await self.check_health(record)  # say at once whether it can do its job
        await self._remember(record, record.loaded)
        return record

    async def disable(self, category: str, name: str) -> PluginRecord:
        """Switch a plugin off (cleaning it up) and remember the choice.

        Raises:
            PluginNotLoaded: no such plugin in the config.
        """
        record = self.record(category, name)
        lock = self._locks.setdefault(record.key, asyncio.Lock())
        async with lock:
            instance, record.instance = record.instance, None
            record.error = None
            record.health_detail, record.last_health = "", None
            self._set_state(record, PluginState.DISABLED)
            if instance is not None:
                await self._safe_cleanup(record, instance)
        await self._remember(record, False)
        return record

    async def reconfigure(self, category: str, name: str, config: dict[str, Any]) -> PluginRecord:
        """Restart a plugin with a new ``config:`` (its ``${...}`` already resolved). The
        record's state says how the restart went. Raises: PluginNotLoaded."""
        record = self.record(category, name)
        register_secrets_in(config)
        lock = self._locks.setdefault(record.key, asyncio.Lock())
        async with lock:
            instance, record.instance = record.instance, None
            if instance is not None:
                await self._safe_cleanup(record, instance)
            record.entry, record.error = record.entry.model_copy(update={"config": dict(config)}), None
        if self.is_enabled(record):
            await self._start(record)
            await self.check_health(record)  # (a no-op for a plugin that did not start)
        return record

    async def start(self, category: str, name: str) -> PluginRecord:
        """Start one plugin now (e.g. storage before the rest) without changing its toggle.

        Raises:
            PluginNotLoaded: no such plugin in the config.
        """
        record = self.record(category, name)
        await self._start(record)
        return record

    async def retry(self, category: str, name: str) -> PluginRecord:
        """Try to start a failed plugin again. Raises: PluginNotLoaded for an unknown plugin."""
        return await self.enable(category, name)

    async def reload(self, category: str, name: str) -> tuple[PluginRecord, bool]:
        """Re-import a plugin's own code, then restart (or start) it; True if code was re-imported.
        Raises: PluginNotLoaded; PluginLoadError (the new code does not import: the old runs on)."""
        record = self.record(category, name)
        fresh = reload.reimport(record, lambda: self.resolve(category, record.entry))
        if record.loaded:
            return await self.reconfigure(category, name, dict(record.entry.config)), fresh
        return await self.enable(category, name), fresh

    # --- health ---------------------------------------------------------------------------

    async def check_health(self, record: PluginRecord) -> PluginState:
        """Run one plugin's ``health_check()`` and update its state (ready / degraded)."""
        if not record.loaded or record.instance is None:
            return record.state
        try:
            result = await self._call_with_timeout(
                record.instance.health_check(), HEALTH_TIMEOUT, record, "health_check()"
            )
            health = result if isinstance(result, Health) else Health(healthy=bool(result))
        except Exception as exc:
            detail = exc.message if isinstance(exc, PluginError) else f"{type(exc).__name__}: {exc}"
            health = Health(healthy=False, detail=detail)
        record.last_health = health.checked_at
        record.health_detail = redact(health.detail)
        new_state = PluginState.READY if health.healthy else PluginState.DEGRADED
        if record.instance is not None and record.state in (PluginState.READY, PluginState.DEGRADED):
            error = None if health.healthy else (health.detail or "health check failed")
            if new_state != record.state or record.error != (redact(error) if error else None):
                self._set_state(record, new_state, error)
        return record.state

    async def check_all_health(self) -> None:
        await asyncio.gather(*(self.check_health(r) for r in self.records.values() if r.loaded))

    def start_health_checks(self, interval: float | None = None) -> None:
        """Check every loaded plugin's health every ``interval`` seconds until ``cleanup()``."""
        if self._health_task is not None:
            return
        period = interval or self.config.app.health_interval

        async def loop() -> None:
            while True:
                await asyncio.sleep(period)
                await self.check_all_health()

        self._health_task = asyncio.create_task(loop(), name="plugin-health")

    # --- shutdown -------------------------------------------------------------------------

    async def cleanup(self) -> None:
        """Stop health checks and clean up every loaded plugin (each with a timeout)."""
        if self._health_task is not None:
            self._health_task.cancel()
            self._health_task = None
        loaded = [r for r in self.records.values() if r.instance is not None]
        for record in loaded:
            self.plugins.get(record.category, {}).pop(record.name, None)
        await asyncio.gather(*(self._safe_cleanup(r, r.instance) for r in loaded if r.instance))
        for record in loaded:
            record.instance = None
            if record.state in (PluginState.READY, PluginState.DEGRADED, PluginState.STARTING):
                record.state = PluginState.DISABLED
        for task in list(self._orphans):
            task.cancel()
