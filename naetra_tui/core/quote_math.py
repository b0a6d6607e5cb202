"""What every quote-shaped object derives from its fields (shared by ``Quote`` and the start-up
snapshot's ``CachedQuote``; no heavy imports)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .clock import utcnow
from .enums import MarketState


class QuoteMath:
    """Needs ``price``, ``previous_close``, ``fetched_at``, ``market_state`` and
    ``extended_price`` attributes."""

    if TYPE_CHECKING:  # declared for type checkers only: pydantic would take them as fields
        price: float
        previous_close: float | None
        fetched_at: datetime
        market_state: MarketState
        extended_price: float | None

    @property
    def extended(self) -> bool:
        """Whether an extended-hours price is in force (PRE or POST, and the source gave one)."""
        return self.extended_price is not None and self.market_state in (MarketState.PRE, MarketState.POST)

    @property
    def extended_change(self) -> float | None:
        """The extended-hours move from the regular price."""
        return self.extended_price - self.price if self.extended and self.extended_price is not None else None

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
