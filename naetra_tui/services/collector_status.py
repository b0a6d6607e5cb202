"""How each collector is doing (failures, backoff, its stream), one line per failure for the
screen, and how a streamed tick merges into the last full quote — the market service's
bookkeeping, kept apart from its fetching."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from ..core.errors import NaetraError
from ..core.models import MarketState, Quote
from ..core.secrets import redact
from ..core.text import clean_line


def failure_message(exc: BaseException) -> str:
    """One line for the screen: never the raw values a plugin sent (they may be anything)."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        fields = sorted(
            {".".join(str(p) for p in e["loc"]) or "value" for e in exc.errors(include_input=False)}
        )
        text = f"the plugin returned a {exc.title} with unusable fields: {', '.join(fields)}"
    else:
        text = str(exc) if isinstance(exc, NaetraError) else f"{type(exc).__name__}: {exc}"
    return clean_line(redact(text))


@dataclass
class CollectorStatus:
    """How one collector is doing, for the status bar and failover."""

    name: str
    simulated: bool = False
    failures: int = 0
    last_error: str | None = None
    last_ok: datetime | None = None
    paused_until: float = 0.0
    calls: deque[float] = field(default_factory=deque)
    # live stream (collectors with supports_streaming); polling goes on whatever happens here
    streaming: bool = False
    stream_error: str | None = None
    stream_failures: int = 0
    stream_retry_at: float = 0.0
    ticks: int = 0

    def paused(self, now: float) -> bool:
        return now < self.paused_until


def backoff(attempt: int) -> float:
    """Seconds to wait after the ``attempt``-th failure in a row: exponential (2, 4, 8 ... s,
    at most 5 minutes) with full jitter, so many terminals do not retry in step."""
    return random.uniform(0.0, min(300.0, 2.0 * 2.0 ** max(0, attempt - 1)))


def merge_tick(previous: Quote | None, tick: Quote) -> Quote:
    """A streamed tick on top of the last full quote from the same source: a tick carries only
    what changed, so absent fields keep their last known value (never reset to missing)."""
    if previous is None or previous.source != tick.source:
        return tick
    known = {k: v for k, v in tick.model_dump().items() if v is not None}
    if tick.market_state is MarketState.UNKNOWN:
        known.pop("market_state")
    if previous.day_high is not None and tick.day_high is None:
        known["day_high"] = max(previous.day_high, tick.price)
    if previous.day_low is not None and tick.day_low is None:
        known["day_low"] = min(previous.day_low, tick.price)
    return previous.model_copy(update=known)
