"""Ages for people ("12 s", "5 min"); no heavy imports (used by the first paint)."""

from __future__ import annotations


def format_age(seconds: float, compact: bool = False) -> str:
    """How old something is, for people: "12 s", "5 min", "3 h", "2 d" (compact: "12s", "5m" ...)."""
    for limit, size, unit, short in ((120, 1, "s", "s"), (7200, 60, "min", "m"), (172800, 3600, "h", "h")):
        if seconds < limit:
            return f"{seconds / size:.0f}{short}" if compact else f"{seconds / size:.0f} {unit}"
    return f"{seconds / 86400:.0f}d" if compact else f"{seconds / 86400:.0f} d"
