"""Changing a running plugin's settings and the config file together: the plugin restarts with
the new settings first, and only if it starts are they written; a failed restart puts the old
settings back and leaves the file as it was. Also the other config edits a running session
makes (order, add). The file edits themselves are ``config.writer.ConfigEditor``'s; secrets
never reach the file (``plugin_settings.keep_secrets``), as with ``naetra-tui plugin set``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import NaetraError
from .plugin_settings import keep_secrets

if TYPE_CHECKING:
    from ..config import LoadedConfig
    from ..config.writer import ConfigEditor
    from ..plugin_host.manager import PluginManager


class SettingsRefused(NaetraError):
    """The new settings are not in force; the config file is as it was."""


@dataclass(frozen=True)
class Configured:
    """New settings in force; ``saved`` is where they were written, or ``save_error`` why not."""

    state: str
    saved: Path | None
    save_error: str | None = None


def stage_values(
    editor: ConfigEditor, category: str, name: str, values: dict[str, Any], model: Any
) -> list[str]:
    """Put ``values`` into the editor, each secret into the secret store instead (a reference
    in the file); the lines that say which were kept there."""
    written, kept = keep_secrets(category, name, values, model)
    editor.set_values(category, name, written)
    return kept


class PluginConfigurator:
    """Config edits for a running session, each applied to the plugin manager as well."""

    def __init__(self, manager: PluginManager, loaded: LoadedConfig) -> None:
        self.manager = manager
        self.loaded = loaded

    def _editor(self) -> ConfigEditor:
        from ..config.writer import ConfigEditor

        return ConfigEditor(self.loaded.path, self.loaded.found_by)

    async def save(self, change: Callable[[ConfigEditor], object]) -> Path:
        """Apply one edit to the config file (comments kept, checked, atomic); where it went.
        Raises ``SettingsRefused`` saying why the file was not changed."""

        def edit() -> Path:
            editor = self._editor()
            change(editor)
            return editor.save()

        try:
            return await asyncio.to_thread(edit)
        except (NaetraError, OSError) as exc:
            raise SettingsRefused(f"The config file was not changed: {exc}") from exc

    async def configure(
        self, category: str, name: str, values: dict[str, Any], seen: str | None
    ) -> Configured:
        """Restart the plugin with ``values`` merged into its settings, then write them.

        ``seen``: the file's text when the form was opened; if another program changed it
        since, nothing is done (its edit would be lost). Raises ``SettingsRefused``."""
        from ..config.loading import load_config_text

        record = self.manager.record(category, name)
        before = dict(record.entry.config)

        def prepare() -> tuple[ConfigEditor, dict[str, Any]]:
            model = getattr(record.instance or type(None), "config_model", None)
            editor = self._editor()
            editor.check_unchanged(seen)
            editor.check_writable()  # said before the restart, not after it
            stage_values(editor, category, name, values, model)
            fresh = load_config_text(editor.text(), editor.path)  # ${...} resolved as at start-up
            entry = next(e for c, _, e in fresh.config.plugins.entries() if c == category and e.name == name)
            return editor, dict(entry.config)

        try:
            editor, config = await asyncio.to_thread(prepare)
        except (NaetraError, OSError) as exc:
            raise SettingsRefused(f"The settings were not saved: {exc}") from exc
        await self.manager.reconfigure(category, name, config)
        if self.manager.is_enabled(record) and not record.loaded:
            why = record.error or "it did not start"
            await self.manager.reconfigure(category, name, before)
            raise SettingsRefused(
                f"{category}/{name} did not start with the new settings ({why}); the previous "
                "settings are back in force and the config file was not changed"
            )
        state = record.state.value if self.manager.is_enabled(record) else "off: space starts it"
        try:
            saved = await asyncio.to_thread(editor.save)
        except (NaetraError, OSError) as exc:
            return Configured(state, None, str(exc))
        return Configured(state, saved)

    async def move(self, category: str, name: str, offset: int) -> tuple[int, Path]:
        """Move the plugin in its category's order, now and in the file; its new position."""
        position = self.manager.move(category, name, offset)
        return position, await self.save(lambda editor: editor.move(category, name, offset))

    async def add(self, category: str, name: str) -> tuple[Path, str | None]:
        """Add an installed plugin to the file, then start it: where it was saved, and why it
        did not start (None: it did)."""
        saved = await self.save(lambda editor: editor.add(category, name, name))
        try:
            await self.manager.load_plugin({"name": name, "plugin": name}, category)
        except NaetraError as exc:
            return saved, str(exc)
        return saved, None
