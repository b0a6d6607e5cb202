"""Keep Python's garbage collector from stalling the event loop.

After start-up the heap holds hundreds of thousands of long-lived objects (Textual, pydantic,
numpy, yfinance, TA-Lib's pandas). A full (generation 2) collection walks all of them — about
50 ms here — and it runs in whichever thread happens to allocate, holding the GIL: the first
1,000-symbol refresh stalled the event loop 45-70 ms that way. ``gc.freeze()`` moves everything
alive now into a permanent generation that collections skip; what is created later is collected
as usual.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def freeze_startup_heap() -> None:
    """Call once the plugins are up (again after a later wave of imports: it is cheap)."""
    gc.freeze()


#: Generation-2 collections are left to ``IdleCollector`` (see below).
_DEFERRED_GEN2_THRESHOLD = 1_000_000


class IdleCollector:
    """Full collections at moments nobody is waiting on the screen.

    Even with the start-up heap frozen, the UI keeps ~200,000 live objects (widgets, rendered
    lines); Python's automatic generation-2 collection walks them all in 100-160 ms and ran every
    couple of page-downs while scrolling a long chat, or every few hundred streamed tokens.
    With ``defer()`` the automatic ones (practically) never run, and ``maybe_collect()``, called
    on a timer, runs one when there has been no input for ``quiet`` seconds (longer than a smooth
    scroll lasts), nothing is busy, and
    the last one is ``every`` seconds old, so garbage in cycles is still reclaimed regularly.
    Young generations are collected as usual.
    """

    def __init__(self, every: float = 30.0, quiet: float = 5.0, young_collections: int = 10) -> None:
        self.every = every
        self.quiet = quiet
        #: Generation-1 collections since the last full one before another is worth its cost
        #: (Python's own default threshold for generation 2).
        self.young_collections = young_collections
        now = time.monotonic()
        self.last_activity = now
        self.last_full = now
        self.collections = 0

    @staticmethod
    def defer() -> None:
        threshold0, threshold1, _ = gc.get_threshold()
        gc.set_threshold(threshold0, threshold1, _DEFERRED_GEN2_THRESHOLD)

    def activity(self) -> None:
        self.last_activity = time.monotonic()

    def maybe_collect(self, busy: bool | Callable[[], bool] = False) -> bool:
        """Run a full collection if now is a good moment.

        Args:
            busy: whether something is under way (an answer streaming); a callable is asked
                only once the cheap checks pass (it may walk the widget tree).
        """
        now = time.monotonic()
        if now - self.last_activity < self.quiet or now - self.last_full < self.every:
            return False
        if gc.get_count()[2] < self.young_collections:
            # Little was allocated since the last full collection (an idle watchlist): Python
            # itself would not collect yet either, and a full walk is ~30-50 ms of CPU for nothing.
            return False
        if busy() if callable(busy) else busy:
            return False
        gc.collect()
        self.last_full = time.monotonic()
        self.collections += 1
        return True
