"""Writing the user's config file back: their comments, key order and layout kept.

``ruamel.yaml`` round-trips YAML (PyYAML would drop every comment). Each save is checked by the
same loader that reads the file at start-up before it replaces anything, is atomic (a temp file
in the same folder, then a rename) and keeps the previous version beside it
(``config.yaml.prev``). When the app runs on the packaged default config (or an unchanged copy
of it, such as the clone's), the first save creates the user's own config in the user config
directory: neither the install nor the clone is written.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from ..core.errors import ConfigurationError
from ..core.files import atomic_write
from ..core.paths import shipped_config_path, user_config_dir
from .location import is_shipped_copy


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: comments, order, flow style and quotes kept
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


#: How a config named on purpose was found: edited where it is, even if it is a copy.
EXPLICIT = ("--config", "$NAETRA_CONFIG")


def writable_path(path: Path | None, found_by: str = "") -> Path:
    """Where edits go: the config file in use, or the user's own one instead of the packaged
    default or an unchanged copy of it that was found, not named (the clone's ``config.yaml``,
    run from the clone as the README's first command does): the first save copies it there,
    comments and all. A file named with ``--config`` is edited where it is."""
    if path is None or path.resolve() == shipped_config_path().resolve():
        return user_config_dir() / "config.yaml"
    if found_by not in EXPLICIT and is_shipped_copy(path):
        return user_config_dir() / "config.yaml"
    return path


def _set_keeping_comments(mapping: Any, key: str, value: Any) -> None:
    """``mapping[key] = value``; a new key goes after the last one *and* before the comments
    that follow it (ruamel keeps them on the last key: a blank line and the next section's
    heading would otherwise end up above the new line)."""
    import copy

    keys = list(mapping.keys())
    ca = getattr(mapping, "ca", None)
    if key in mapping or not keys or ca is None:
        mapping[key] = value
        return
    entry = ca.items.get(keys[-1])
    token = entry[2] if entry is not None and len(entry) > 2 else None
    mapping[key] = value
    if token is None or "\n" not in token.value:
        return
    cut = token.value.index("\n")
    moved = copy.copy(token)
    moved.value = token.value[cut:]  # the lines after the last key's own line move down
    own = token.value[:cut]  # the last key's own inline comment, if any, stays with it
    if own.strip():
        token.value = own + "\n"
    else:
        entry[2] = None
    ca.items[key] = [None, None, moved, None]


class ConfigEditor:
    """Edits to one config file, saved together by ``save()``.

    Raises (constructor): ConfigurationError if the file cannot be read as YAML.
    """

    def __init__(self, path: Path | None, found_by: str = "") -> None:
        self.path = writable_path(path, found_by)
        if self.path.is_symlink():  # write where the link points: the link itself stays
            self.path = self.path.resolve()
        source = self.path if self.path.exists() else (path or shipped_config_path())
        try:
            text = Path(source).read_text(encoding="utf-8")
            self.data = _yaml().load(text) or {}
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"cannot edit {source}: {exc}") from None
        self.original = text if self.path.exists() else None

    # --- the plugin entries -------------------------------------------------------------

    def entries(self, category: str) -> Any:
        plugins = self.data.setdefault("plugins", {})
        if plugins.get(category) is None:
            plugins[category] = []
        return plugins[category]

    def entry(self, category: str, name: str) -> Any:
        """Raises: ConfigurationError (no such plugin in the file)."""
        for entry in self.entries(category):
            if isinstance(entry, dict) and entry.get("name") == name:
                return entry
        raise ConfigurationError(f"there is no plugin {category}/{name} in {self.path}")

    def set_enabled(self, category: str, name: str, enabled: bool) -> None:
        self.entry(category, name)["enabled"] = enabled

    def set_values(self, category: str, name: str, values: dict[str, Any]) -> None:
        entry = self.entry(category, name)
        if entry.get("config") is None:
            entry["config"] = {}
        elif self._shared(entry["config"]):
            # a YAML alias (`config: *common`) or anchor: this plugin gets a copy of its own,
            # so the edit never changes another plugin that shares it
            from ruamel.yaml.comments import CommentedMap

            entry["config"] = CommentedMap(entry["config"].items())
        for key, value in values.items():
            _set_keeping_comments(entry["config"], key, value)

    def _shared(self, mapping: Any) -> bool:
        """Whether ``mapping`` is written once and used in more than one place (an anchor)."""
        anchor = getattr(mapping, "anchor", None)
        if anchor is not None and getattr(anchor, "value", None):
            return True
        users = 0
        for entries in (self.data.get("plugins") or {}).values():
            for other in entries or []:
                if isinstance(other, dict) and other.get("config") is mapping:
                    users += 1
        return users > 1

    def move(self, category: str, name: str, offset: int) -> int:
        """Move an entry up (-1) or down (+1) in its list: the failover order. Returns its new index.

        Raises: ConfigurationError (no such plugin in the file).
        """
        entries = self.entries(category)
        index: int = entries.index(self.entry(category, name))
        target = min(max(index + offset, 0), len(entries) - 1)
        if target != index:
            entries.insert(target, entries.pop(index))
        return target

    def add(self, category: str, name: str, plugin: str, config: dict[str, Any] | None = None) -> None:
        """Raises: ConfigurationError (a plugin of that name is there already)."""
        if any(isinstance(e, dict) and e.get("name") == name for e in self.entries(category)):
            raise ConfigurationError(f"{category}/{name} is in {self.path} already")
        entry: dict[str, Any] = {"name": name, "plugin": plugin, "enabled": True}
        if config:
            entry["config"] = config
        self.entries(category).append(entry)

    # --- saving -------------------------------------------------------------------------

    def text(self) -> str:
        buffer = io.StringIO()
        _yaml().dump(self.data, buffer)
        return buffer.getvalue()

    def check_unchanged(self, seen: str | None) -> None:
        """Raises ConfigurationError if the file is not what it was when the user started
        editing (``seen``: its text then, None if it did not exist): never overwrite another
        program's or person's change silently."""
        if self.original != seen:
            raise ConfigurationError(
                f"{self.path} changed on disk since the form was opened: nothing was written; "
                "open the form again to edit the new version"
            )

    def check_writable(self) -> None:
        """Raises ConfigurationError if the file is marked read-only (no write bit) or its
        folder cannot take the temp file. Checked by mode, not ``os.access``: root could write
        anyway, and a rename would replace a file its owner chose to protect."""
        if self.path.exists() and not self.path.stat().st_mode & 0o222:
            raise ConfigurationError(
                f"{self.path} is read-only: nothing was changed (to allow edits: chmod u+w {self.path})"
            )
        folder = next((p for p in (self.path.parent, *self.path.parents) if p.exists()), None)
        if folder is not None and not os.access(folder, os.W_OK):
            raise ConfigurationError(f"cannot write in {folder}: nothing was changed")

    def save(self) -> Path:
        """Check, then write atomically, keeping the previous file as ``<name>.prev``.

        Raises: ConfigurationError (the edited config would not load, or the file is
        read-only: nothing is written).
        """
        from .loading import load_config_text

        self.check_writable()
        text = self.text()
        load_config_text(text, self.path)  # the same checks as at start-up, before any write
        if self.path.exists():  # the .prev keeps the config's own mode, and is written atomically too
            previous = self.path.with_name(self.path.name + ".prev")
            atomic_write(previous, self.path.read_bytes(), like=self.path)
        atomic_write(self.path, text)
        return self.path
