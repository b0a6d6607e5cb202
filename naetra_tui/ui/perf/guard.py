"""Each speedup asks here whether the Textual internals it reads exist; if not, it stands
aside (Textual's own code runs) and says so once in the log.

``NAETRA_SPEEDUPS=0`` (or ``off``/``false``/``no``) in the environment is the one off switch:
every speedup then stands aside as if its internals were missing, so the fallbacks are what
runs (CI runs the UI suite once this way). Read when a speedup first asks, at import time for
the module-level ones: set it before the app starts."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

log = logging.getLogger(__name__)
_reported: set[str] = set()


OFF_VALUES = frozenset({"0", "off", "false", "no"})


def speedups_enabled() -> bool:
    """False when the user (or CI) turned every speedup off with ``NAETRA_SPEEDUPS=0``."""
    return os.environ.get("NAETRA_SPEEDUPS", "1").strip().lower() not in OFF_VALUES


def internals_present(speedup: str, needed: Iterable[tuple[object, str]]) -> bool:
    """True when every ``(owner, attribute)`` exists; otherwise log once which are missing.

    Args:
        speedup: the speedup's name, for the log line.
        needed: the classes, instances or modules and the attribute names it reads.
    """
    if not speedups_enabled():
        if speedup not in _reported:
            _reported.add(speedup)
            log.info("speedup %s is off: NAETRA_SPEEDUPS=0", speedup)
        return False
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
