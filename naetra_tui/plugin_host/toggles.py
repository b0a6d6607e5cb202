"""Remembering which plugins the user switched on or off.

The plugin manager only needs ``load()`` and ``save()``. ``JsonToggleStore`` is a small state
file written atomically (temp file + fsync + rename); the storage layer provides a store backed
by the configured database (``naetra_tui.services.state.StorageToggleStore``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Protocol

from ..core.files import atomic_write

log = logging.getLogger(__name__)


class ToggleStore(Protocol):
    async def load(self) -> dict[str, bool]: ...

    async def save(self, toggles: dict[str, bool]) -> None: ...


class MemoryToggleStore:
    """Toggles kept for the life of the process only (tests, ``--check-config``)."""

    def __init__(self, initial: dict[str, bool] | None = None) -> None:
        self.toggles = dict(initial or {})

    async def load(self) -> dict[str, bool]:
        return dict(self.toggles)

    async def save(self, toggles: dict[str, bool]) -> None:
        self.toggles = dict(toggles)


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file so that a crash leaves either the old or the new content, never half."""
    atomic_write(path, text)


class JsonToggleStore:
    """Toggles in a JSON file (``{"category/name": true}``)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def load(self) -> dict[str, bool]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable plugin state file %s: %s", self.path, exc)
            return {}
        return {str(k): bool(v) for k, v in data.items()} if isinstance(data, dict) else {}

    async def save(self, toggles: dict[str, bool]) -> None:
        atomic_write_text(self.path, json.dumps(toggles, indent=1, sort_keys=True))
