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


def freeze_startup_heap() -> None:
    """Call once the plugins are up (again after a later wave of imports: it is cheap)."""
    gc.freeze()
