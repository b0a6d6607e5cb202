"""Each speedup asks here whether the Textual internals it reads exist; if not, it stands
aside (Textual's own code runs) and says so once in the log."""

from __future__ import annotations

import logging
from collections.abc import Iterable

log = logging.getLogger(__name__)
_reported: set[str] = set()


def internals_present(speedup: str, needed: Iterable[tuple[object, str]]) -> bool:
    """True when every ``(owner, attribute)`` exists; otherwise log once which are missing.

    Args:
        speedup: the speedup's name, for the log line.
        needed: the classes, instances or modules and the attribute names it reads.
    """
    missing = [
        f"{getattr(owner, '__name__', type(owner).__name__)}.{name}"
        for owner, name in needed
        if not hasattr(owner, name)
    ]
    if missing and speedup not in _reported:
        _reported.add(speedup)
        log.warning(
            "speedup %s is off (Textual's own code runs instead): this Textual has no %s",
            speedup,
            ", ".join(missing),
        )
    return not missing
