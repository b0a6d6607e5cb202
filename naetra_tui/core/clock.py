"""The one wall clock every age, "last refresh" and simulated tick reads.

Frozen, the whole app shows the same screen on every run: snapshot tests and demo captures freeze
it (``freeze()``, or ``NAETRA_FROZEN_TIME=2026-11-25T15:30:00Z`` in the environment).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the only kind of datetime we store)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    """Today's date where the user is (the local date of ``utcnow()``): lots default to it
    and may not be dated after it."""
    return utcnow().astimezone().date()


def freeze(moment: datetime | None) -> None:
    """Stop the clock at ``moment`` (naive means UTC); ``None`` lets it run again."""
    global _frozen
    _frozen = None if moment is None else (moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def freeze_from_environment() -> None:
    """Apply ``NAETRA_FROZEN_TIME`` (ISO 8601) if set.

    Raises:
        ValueError: the variable is set but is not an ISO 8601 time (named in the message).
    """
    text = os.environ.get("NAETRA_FROZEN_TIME", "").strip()
    if not text:
        return
    try:
        freeze(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise ValueError(
            f"NAETRA_FROZEN_TIME={text!r} is not an ISO 8601 time (e.g. 2026-11-25T15:30:00Z)"
        ) from None
