"""The contract every plugin keeps, as pytest test methods a plugin's own test class inherits.

    from naetra_tui.testing import DataCollectorContract

    class TestMyCollector(DataCollectorContract):
        plugin_class = MyCollector
        config = {"api_key": "${MY_KEY:-test}"}
        bad_config = {"timeout": -1}     # optional: a config its config_model must refuse

Each test runs its own event loop (no pytest-asyncio settings needed in the plugin's project).
A ``LoopWatch`` runs beside every call and fails the test if the plugin kept the event loop
busy for more than ``max_block_ms`` (a blocking network call or a long computation in an
``async def`` freezes the whole app while it runs).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from ..core.errors import ConfigurationError
from ..core.models import Health
from ..core.secrets import is_secret_key

MAX_BLOCK_MS = 50.0


class LoopWatch:
    """The longest the event loop went without running a 1 ms tick, while a call ran."""

    def __init__(self) -> None:
        self.worst_ms = 0.0
        self._last = time.perf_counter()
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            self._last = time.perf_counter()
            await asyncio.sleep(0.001)
            self._gap(time.perf_counter())

    def _gap(self, now: float) -> None:
        self.worst_ms = max(self.worst_ms, (now - self._last - 0.001) * 1000)

    async def watch(self, call: Awaitable[Any]) -> Any:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        await asyncio.sleep(0)  # the tick is running before the call starts
        try:
            return await call
        finally:
            self._gap(time.perf_counter())  # a call that blocked to its end: the tick never woke
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass


class _Logs(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(record.getMessage())
        except Exception:  # a broken log call is the plugin's problem, not this check's
            self.lines.append(str(record.msg))


class PluginContract:
    """What every plugin of any category must do (the guide's ``custom`` ones too).

    Set ``plugin_class`` and ``config``; optionally ``bad_config`` (refused by
    ``config_model``) and ``max_block_ms``.
    """

    plugin_class: ClassVar[type[Any] | None] = None
    config: ClassVar[dict[str, Any]] = {}
    bad_config: ClassVar[dict[str, Any] | None] = None
    max_block_ms: ClassVar[float] = MAX_BLOCK_MS
    _warmed: ClassVar[bool] = False  # read from each subclass's own __dict__

    # --- helpers --------------------------------------------------------------------------

    def make(self) -> Any:
        if self.plugin_class is None:
            raise AssertionError(f"{type(self).__name__} must set plugin_class")
        return self.plugin_class()

    def run(self, scenario: Callable[[Any, LoopWatch], Awaitable[Any]]) -> Any:
        """Run ``scenario(plugin, watch)`` on a started plugin in a fresh event loop, then clean
        it up and check the loop was never blocked for long."""

        async def main() -> Any:
            await self._warm_up()
            plugin = self.make()
            watch = LoopWatch()
            await watch.watch(plugin.initialize(dict(self.config)))
            try:
                return await scenario(plugin, watch)
            finally:
                await plugin.cleanup()
                assert watch.worst_ms <= self.max_block_ms, (
                    f"a call kept the event loop busy for {watch.worst_ms:.0f} ms "
                    f"(at most {self.max_block_ms:.0f}): run blocking work with asyncio.to_thread"
                )

        return asyncio.run(main())

    async def _warm_up(self) -> None:
        """Start and stop one instance unwatched, once: a module's first import (TA-Lib pulls
        in pandas) happens once per process, and even off the loop it holds the GIL."""
        cls = type(self)
        if cls.__dict__.get("_warmed"):
            return
        plugin = self.make()
        try:
            await plugin.initialize(dict(self.config))
        finally:
            await plugin.cleanup()
        cls._warmed = True

    # --- the contract ---------------------------------------------------------------------

    def test_initializes_with_its_config(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            assert plugin is not None

        self.run(scenario)

    def test_a_bad_config_is_refused_by_its_config_model(self) -> None:
        if self.bad_config is None:
            import pytest

            pytest.skip("no bad_config set for this plugin")

        async def main() -> None:
            plugin = self.make()
            try:
                await plugin.initialize(dict(self.bad_config or {}))
            except (ConfigurationError, ValueError):  # pydantic's ValidationError is a ValueError
                return
            finally:
                await plugin.cleanup()
            raise AssertionError(f"initialize() accepted the bad config {self.bad_config!r}")

        asyncio.run(main())

    def test_health_check_answers(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            health = await watch.watch(asyncio.wait_for(plugin.health_check(), 10))
            assert isinstance(health, bool | Health), f"health_check() returned {type(health).__name__}"

        self.run(scenario)

    def test_cleanup_twice_leaves_no_task_or_thread_behind(self) -> None:
        threads_before = set(threading.enumerate())

        async def main() -> None:
            plugin = self.make()
            await plugin.initialize(dict(self.config))
            await self.exercise(plugin)
            await plugin.cleanup()
            await plugin.cleanup()  # twice: the app may close a plugin that is already closed
            await asyncio.sleep(0.05)
            left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
            assert not left, f"tasks still running after cleanup(): {left}"

        asyncio.run(main())
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            left = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
            if not left:
                return
            time.sleep(0.05)
        raise AssertionError(f"threads still running after cleanup(): {[t.name for t in left]}")

    def test_never_shows_a_secret_in_repr_or_logs(self) -> None:
        secrets = [str(v) for k, v in self.config.items() if is_secret_key(k) and isinstance(v, str) and v]
        logs = _Logs()
        root = logging.getLogger()
        old_level = root.level
        root.addHandler(logs)
        root.setLevel(logging.DEBUG)
        try:

            async def scenario(plugin: Any, watch: LoopWatch) -> str:
                await self.exercise(plugin)
                return repr(plugin)

            shown = self.run(scenario)
        finally:
            root.removeHandler(logs)
            root.setLevel(old_level)
        for secret in secrets:
            assert secret not in shown, "repr() shows a secret from the config"
            assert not any(secret in line for line in logs.lines), "a log line shows a secret"

    async def exercise(self, plugin: Any) -> None:
        """The calls a category makes in normal use (overridden per category)."""
        await plugin.health_check()
