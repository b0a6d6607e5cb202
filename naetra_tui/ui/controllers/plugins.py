"""Plugins while the app runs: switch one on or off, reload its code, configure, add and order
them, and pick the LLM provider the chat answers with. The config-file side is the Session's
``PluginConfigurator`` (shared with ``naetra-tui plugin``); this says what happened."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.enums import PluginState
from ...core.errors import LLMError, NaetraError
from ...services.plugin_config import SettingsRefused
from ...services.session import Phase
from .base import Controller, is_open

if TYPE_CHECKING:
    from ...plugin_host.manager import PluginManager, PluginRecord


class PluginsController(Controller):
    """Every plugin change, said in a notification; the Plugins rows follow."""

    def _manager(self) -> PluginManager:
        return self.app.opened_session().manager

    def toggle(self, category: str, name: str, force_on: bool = False) -> None:
        self.run("plugins", self._toggle, category, name, force_on)

    async def _toggle(self, category: str, name: str, force_on: bool) -> None:
        manager = self._manager()
        record = manager.record(category, name)
        if record.loaded and not force_on:
            await manager.disable(category, name)
            self.app.notify(f"{record.key} disabled", markup=False, timeout=3)
        else:
            await manager.enable(category, name)
            if record.loaded:
                self.app.notify(f"{record.key} is {record.state.value}", markup=False, timeout=3)
            else:
                self._error(f"{record.key} could not start: {record.error}", 10)
        self._after_change(category, rows=False)

    def reload(self, category: str, name: str) -> None:
        self.run("plugins", self._reload, category, name)

    async def _reload(self, category: str, name: str) -> None:
        manager = self._manager()
        key = f"{category}/{name}"
        try:
            record, fresh = await manager.reload(category, name)
        except NaetraError as exc:
            self._error(
                f"{key}: the edited code does not import, so the running plugin keeps its old code: {exc}"
            )
            self.refresh_rows()
            return
        code = f"code re-imported from {manager.origin(record)}" if fresh else "built-in code"
        if record.loaded:
            self.app.notify(f"{key} restarted ({code}): {record.state.value}", markup=False, timeout=6)
        else:
            self._error(f"{key} did not start ({code}): {record.error}")
        self._after_change(category)

    def use_llm(self, name: str) -> None:
        self.run("plugins", self._use_llm, name)

    async def _use_llm(self, name: str) -> None:
        session = self.app.session
        if session is None or not session.has(Phase.ALL):
            self.app.notify("The chat is still starting; try again in a moment.", markup=False)
            return
        chat = session.chat
        try:
            await chat.use_provider(name)
        except LLMError as exc:
            self._error(f"The chat still answers with {chat.answering}: {exc}", 10)
        else:
            # a model not known yet ("?": the server's first, listed when it answers) is not shown
            shown = f" ({chat.model})" if chat.model and chat.model != "?" else ""
            self.app.notify(f"The chat now answers with {name}{shown}", markup=False, timeout=5)
        from ..widgets.chat_panel import ChatPanel

        self.refresh_rows()  # the Plugins screen: its "switching…" is done
        for screen in self.app.screen_stack:
            for panel in screen.query(ChatPanel):
                panel.load_models()  # the picker lists the new server's models

    def move(self, category: str, name: str, offset: int) -> None:
        self.run("plugins", self._move, category, name, offset)

    async def _move(self, category: str, name: str, offset: int) -> None:
        try:
            position, saved = await self.app.opened_session().plugin_config.move(category, name, offset)
        except SettingsRefused as exc:
            self._error(str(exc), 10)
        else:
            self.app.notify(
                f"{category}/{name} is now number {position + 1} (saved to {saved})", markup=False, timeout=4
            )
        self.refresh_rows()
        self._after_change(category, rows=False)

    def configure(self, category: str, name: str, values: dict[str, Any], seen: str | None) -> None:
        self.run("plugins", self._configure, category, name, values, seen)

    async def _configure(self, category: str, name: str, values: dict[str, Any], seen: str | None) -> None:
        try:
            done = await self.app.opened_session().plugin_config.configure(category, name, values, seen)
        except SettingsRefused as exc:
            self._error(str(exc), 15)
            self.refresh_rows()
            return
        if done.saved is None:
            self._error(f"{category}/{name} runs with the new settings, but they could not be saved: "
                        f"{done.save_error}")  # fmt: skip
        else:
            self.app.notify(
                f"{category}/{name}: new settings in force ({done.state}); saved to {done.saved}",
                markup=False,
                timeout=8,
            )
        self._after_change(category)

    def add(self, category: str, name: str) -> None:
        self.run("plugins", self._add, category, name)

    async def _add(self, category: str, name: str) -> None:
        try:
            saved, problem = await self.app.opened_session().plugin_config.add(category, name)
        except SettingsRefused as exc:
            self._error(str(exc), 10)
            return
        if problem:
            self._error(f"{category}/{name} was added to {saved} but did not start: {problem}", 10)
        else:
            self.app.notify(f"Added {category}/{name} (saved to {saved})", markup=False, timeout=4)
        self.refresh_rows()

    def _error(self, text: str, timeout: float = 15) -> None:
        self.app.notify(text, severity="error", markup=False, timeout=timeout)

    def _after_change(self, category: str, rows: bool = True) -> None:
        """The Plugins rows show the new states; a collector change re-runs the failover now."""
        if rows:
            self.refresh_rows()
        if category == "data_collectors":
            self.app.action_refresh()

    def changed(self, record: PluginRecord) -> None:
        """A plugin's state changed (the manager says so): the screens that show it follow."""
        screen = self.app.screen
        if is_open(screen, "plugins", "PluginsScreen"):
            screen.refresh_rows()  # type: ignore[attr-defined]
        analyzer_done = record.category == "analyzers" and record.state is not PluginState.STARTING
        if analyzer_done and is_open(screen, "symbol", "SymbolScreen"):
            screen.plugins_changed()  # type: ignore[attr-defined]
        if self.app.ready:
            self.app.show_status()

    def refresh_rows(self) -> None:
        from ..screens.plugins import PluginsScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, PluginsScreen):
                screen.refresh_rows()
