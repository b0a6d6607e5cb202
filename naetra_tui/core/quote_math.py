"""What every quote-shaped object derives from its fields (shared by ``Quote`` and the start-up
snapshot's ``CachedQuote``; no heavy imports)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .clock import utcnow


class QuoteMath:
    """Needs ``price``, ``previous_close`` and ``fetched_at`` attributes."""

    if TYPE_CHECKING:  # declared for type checkers only: pydantic would take them as fields
        price: float
        previous_close: float | None
        fetched_at: datetime

    @property
    def change(self) -> float | None:
        if self.previous_close is None:
            return None
        return self.price - self.previous_close

    @property
    def change_pct(self) -> float | None:
        if not self.previous_close:
            return None
        return (self.price - self.previous_close) / self.previous_close * 100.0

    def age_seconds(self, now: datetime | None = None) -> float:
        return max(0.0, ((now or utcnow()) - self.fetched_at).total_seconds())
