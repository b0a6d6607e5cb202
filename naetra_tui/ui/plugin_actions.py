"""The App's part for plugins: switch one on or off (or retry it), and pick the LLM provider
the chat answers with, while the app runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from ..core.errors import LLMError
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
        if category == "data_collectors":
            self.action_refresh()

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
            self.notify(f"The chat now answers with {name} ({self.chat.model})", markup=False, timeout=5)
        from .widgets.chat_panel import ChatPanel

        for screen in self.screen_stack:
            if hasattr(screen, "refresh_rows"):  # the Plugins screen: its "switching…" is done
                screen.refresh_rows()
            for panel in screen.query(ChatPanel):
                panel.load_models()  # the picker lists the new server's models
