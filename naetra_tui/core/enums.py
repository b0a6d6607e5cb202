"""Small enums the first paint needs without importing pydantic and numpy (re-exported by
``naetra_tui.core.models``)."""

from __future__ import annotations

import enum


class PluginState(enum.StrEnum):
    """Lifecycle state of one configured plugin."""

    DISABLED = "disabled"
    STARTING = "starting"
    READY = "ready"
    DEGRADED = "degraded"
    FAILED = "failed"


class MarketState(enum.StrEnum):
    """Trading session of the symbol's exchange when the quote was taken."""

    PRE = "PRE"
    REGULAR = "REG"
    POST = "POST"
    CLOSED = "CLOSED"
    UNKNOWN = "?"
