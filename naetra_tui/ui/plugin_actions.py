"""The App's part for plugins: switch one on or off, reload its code, configure, add and order
them, and pick the LLM provider the chat answers with, while the app runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from ..core.errors import LLMError, NaetraError
from . import messages

if TYPE_CHECKING:
    from .app import NaetraApp

    _Base = NaetraApp
else:
    _Base = object


class PluginActions(_Base):
    """Mixed into ``NaetraApp``."""

    def on_toggle_plugin(self, message: messages.TogglePlugin) -> None:
        self.toggle_plugin(message.category, message.name, message.force_on)

    @work(group="plugins", exit_on_error=False)
    async def toggle_plugin(self, category: str, name: str, force_on: bool = False) -> None:
        assert self.manager is not None
        record = self.manager.record(category, name)
        if record.loaded and not force_on:
            await self.manager.disable(category, name)
            self.notify(f"{record.key} disabled", markup=False, timeout=3)
        else:
            await self.manager.enable(category, name)
            if record.loaded:
                self.notify(f"{record.key} is {record.state.value}", markup=False, timeout=3)
            else:
                self.notify(
                    f"{record.key} could not start: {record.error}",
                    severity="error",
                    markup=False,
                    timeout=10,
                )
        self._after_change(category, rows=False)

    def on_reload_plugin(self, message: messages.ReloadPlugin) -> None:
        self.reload_plugin(message.category, message.name)

    @work(group="plugins", exit_on_error=False)
    async def reload_plugin(self, category: str, name: str) -> None:
        assert self.manager is not None
        key = f"{category}/{name}"
        try:
            record, fresh = await self.manager.reload(category, name)
        except NaetraError as exc:
            self.notify(f"{key}: the edited code does not import, so the running plugin keeps its "
                        f"old code: {exc}", severity="error", markup=False, timeout=15)  # fmt: skip
            self._refresh_plugin_rows()
            return
        code = f"code re-imported from {self.manager.origin(record)}" if fresh else "built-in code"
        if record.loaded:
            self.notify(f"{key} restarted ({code}): {record.state.value}", markup=False, timeout=6)
        else:
            self.notify(f"{key} did not start ({code}): {record.error}",
                        severity="error", markup=False, timeout=15)  # fmt: skip
        self._after_change(category)

    def on_use_llm(self, message: messages.UseLLM) -> None:
        self.use_llm(message.name)

    @work(group="plugins", exit_on_error=False)
    async def use_llm(self, name: str) -> None:
        if self.chat is None:
            self.notify("The chat is still starting; try again in a moment.", markup=False)
            return
        try:
            await self.chat.use_provider(name)
        except LLMError as exc:
            self.notify(
                f"The chat still answers with {self.chat.answering}: {exc}",
                severity="error",
                markup=False,
                timeout=10,
            )
        else:
            model = self.chat.model
            # a model not known yet ("?": the server's first, listed when it answers) is not shown
            shown = f" ({model})" if model and model != "?" else ""
            self.notify(f"The chat now answers with {name}{shown}", markup=False, timeout=5)
        from .widgets.chat_panel import ChatPanel

        self._refresh_plugin_rows()  # the Plugins screen: its "switching…" is done
        for screen in self.screen_stack:
            for panel in screen.query(ChatPanel):
                panel.load_models()  # the picker lists the new server's models

    def on_move_plugin(self, message: messages.MovePlugin) -> None:
        self.move_plugin(message.category, message.name, message.offset)

    @work(group="plugins", exit_on_error=False)
    async def move_plugin(self, category: str, name: str, offset: int) -> None:
        assert self.manager is not None
        position = self.manager.move(category, name, offset)
        self._refresh_plugin_rows()
        saved = await self._save_config(lambda editor: editor.move(category, name, offset))
        if saved:
            self.notify(
                f"{category}/{name} is now number {position + 1} (saved to {saved})", markup=False, timeout=4
            )
        self._after_change(category, rows=False)

    def on_configure_plugin(self, message: messages.ConfigurePlugin) -> None:
        self.configure_plugin(message.category, message.name, message.values, message.seen)

    @work(group="plugins", exit_on_error=False)
    async def configure_plugin(
        self, category: str, name: str, values: dict[str, Any], seen: str | None
    ) -> None:
        """Restart the plugin with the new settings first; only if it starts are they written
        (a failed restart puts the old settings back and leaves the file as it was)."""
        import asyncio

        from ..config.loading import load_config_text
        from ..config.writer import ConfigEditor
        from ..services.plugin_settings import keep_secrets
        from .screens.plugins import config_location

        assert self.manager is not None
        record = self.manager.record(category, name)
        before = dict(record.entry.config)

        def prepare() -> tuple[ConfigEditor, dict[str, Any]]:
            model = getattr(record.instance or type(None), "config_model", None)
            written, _ = keep_secrets(category, name, values, model)  # never in the file
            editor = ConfigEditor(*config_location(self.loaded))
            editor.check_unchanged(seen)
            editor.check_writable()  # said before the restart, not after it
            editor.set_values(category, name, written)
            fresh = load_config_text(editor.text(), editor.path)  # ${...} resolved as at start-up
            entry = next(e for c, _, e in fresh.config.plugins.entries() if c == category and e.name == name)
            return editor, dict(entry.config)

        try:
            editor, config = await asyncio.to_thread(prepare)
        except (NaetraError, OSError) as exc:
            self.notify(f"The settings were not saved: {exc}", severity="error", markup=False, timeout=12)
            self._refresh_plugin_rows()
            return
        await self.manager.reconfigure(category, name, config)
        if self.manager.is_enabled(record) and not record.loaded:
            why = record.error or "it did not start"
            await self.manager.reconfigure(category, name, before)
            self.notify(f"{category}/{name} did not start with the new settings ({why}); the previous "
                        "settings are back in force and the config file was not changed",
                        severity="error", markup=False, timeout=15)  # fmt: skip
            self._refresh_plugin_rows()
            return
        try:
            saved = await asyncio.to_thread(editor.save)
        except (NaetraError, OSError) as exc:
            self.notify(f"{category}/{name} runs with the new settings, but they could not be saved: {exc}",
                        severity="error", markup=False, timeout=15)  # fmt: skip
        else:
            state = record.state.value if self.manager.is_enabled(record) else "off: space starts it"
            self.notify(
                f"{category}/{name}: new settings in force ({state}); saved to {saved}",
                markup=False,
                timeout=8,
            )
        self._after_change(category)

    def on_add_plugin(self, message: messages.AddPlugin) -> None:
        self.add_plugin(message.category, message.name)

    @work(group="plugins", exit_on_error=False)
    async def add_plugin(self, category: str, name: str) -> None:
        assert self.manager is not None
        saved = await self._save_config(lambda editor: editor.add(category, name, name))
        if not saved:
            return
        try:
            await self.manager.load_plugin({"name": name, "plugin": name}, category)
        except NaetraError as exc:
            self.notify(
                f"{category}/{name} was added to {saved} but did not start: {exc}",
                severity="error",
                markup=False,
                timeout=10,
            )
        else:
            self.notify(f"Added {category}/{name} (saved to {saved})", markup=False, timeout=4)
        self._refresh_plugin_rows()

    async def _save_config(self, change: Any) -> Any:
        """Apply one edit to the config file (comments kept, checked, atomic); the path, or
        None after saying why it could not be saved."""
        import asyncio

        from ..config.writer import ConfigEditor
        from .screens.plugins import config_location

        def edit() -> Any:
            editor = ConfigEditor(*config_location(self.loaded))
            change(editor)
            return editor.save()

        try:
            return await asyncio.to_thread(edit)
        except (NaetraError, OSError) as exc:
            self.notify(f"The config file was not changed: {exc}", severity="error", markup=False, timeout=10)
            return None

    def _after_change(self, category: str, rows: bool = True) -> None:
        """The Plugins rows show the new states; a collector change re-runs the failover now."""
        if rows:
            self._refresh_plugin_rows()
        if category == "data_collectors":
            self.action_refresh()

    def _refresh_plugin_rows(self) -> None:
        for screen in self.screen_stack:
            if hasattr(screen, "refresh_rows"):
                screen.refresh_rows()
