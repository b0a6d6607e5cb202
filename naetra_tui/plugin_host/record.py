"""What the plugin manager knows about one configured plugin."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.models import PluginState, utcnow
from ..core.secrets import redacted_config

if TYPE_CHECKING:
    from ..config import PluginEntry
    from ..core.interfaces import IPlugin


@dataclass
class PluginRecord:
    """Everything the manager knows about one configured plugin."""

    category: str
    index: int
    entry: PluginEntry
    state: PluginState = PluginState.DISABLED
    error: str | None = None
    error_is_config: bool = False
    instance: IPlugin | None = None
    origin: str = ""
    health_detail: str = ""
    last_health: datetime | None = None
    started_in: float | None = None
    changed_at: datetime = field(default_factory=utcnow)

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def key(self) -> str:
        return f"{self.category}/{self.entry.name}"

    @property
    def loaded(self) -> bool:
        return self.instance is not None and self.state in (PluginState.READY, PluginState.DEGRADED)

    def display_config(self) -> dict[str, Any]:
        """The entry's config with secrets replaced by ``***``."""
        return redacted_config(self.entry.config)


def entry_from_mapping(mapping: dict[str, Any]) -> PluginEntry:
    """A ``plugins:`` entry from a mapping. Raises: ConfigurationError (the first problem)."""
    from pydantic import ValidationError

    from ..config import ConfigSource, PluginEntry, describe_errors

    try:
        return PluginEntry.model_validate(mapping)
    except ValidationError as exc:
        raise describe_errors(exc, PluginEntry, ConfigSource(None))[0] from None
