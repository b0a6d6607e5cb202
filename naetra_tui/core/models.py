"""Typed models of what flows between plugins, services and the UI.

Plugins may return these models directly. A plugin written the guide's way may instead return a
plain ``dict``; :mod:`naetra_tui.core.normalize` turns those into these models at the service
boundary, so nothing past the services ever sees an untyped payload.

Price histories are column arrays (numpy), never lists of per-bar objects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .ages import format_age as format_age  # re-exported
from .clock import utcnow as utcnow  # re-exported: models, services and the UI read one clock
from .enums import MarketState as MarketState  # re-exported
from .enums import PluginState as PluginState  # re-exported
from .quote_math import QuoteMath


class Health(BaseModel):
    """Result of a plugin's ``health_check()``.

    A plugin may return a plain ``bool`` (the guide's form); ``True`` means healthy.
    """

    healthy: bool
    detail: str = ""
    checked_at: datetime = Field(default_factory=utcnow)


class Quote(QuoteMath, BaseModel):
    """The latest price of one symbol, with where it came from and how old it is.

    Validated where it is made (every collector's quotes pass through here): the price is
    finite and > 0, or there is no quote (the market service says why, per symbol). A
    reference figure that is not finite or not > 0 (a previous close of 0, an open of -1) is
    dropped to ``None``: what is computed from it (the day's change, day P&L) is then missing
    and said so, never a plausible wrong number.
    """

    model_config = ConfigDict(frozen=True)

    symbol: str
    price: float = Field(gt=0, allow_inf_nan=False)
    source: str
    name: str | None = None
    previous_close: float | None = None
    open: float | None = None
    day_high: float | None = None
    day_low: float | None = None
    volume: float | None = None
    currency: str | None = None
    market_state: MarketState = MarketState.UNKNOWN
    simulated: bool = False
    as_of: datetime = Field(default_factory=utcnow, description="When the price was traded.")
    fetched_at: datetime = Field(default_factory=utcnow, description="When we received it.")
    extended_price: float | None = Field(
        None,
        description="The pre- or post-market price (``market_state`` says which); ``price`` stays the regular one.",
    )

    @field_validator("previous_close", "open", "day_high", "day_low", "extended_price", mode="before")
    @classmethod
    def _positive_or_missing(cls, value: object) -> object:
        return value if _positive_number(value) else None

    @field_validator("volume", mode="before")
    @classmethod
    def _volume_or_missing(cls, value: object) -> object:
        return value if _positive_number(value) or value == 0 else None


def _positive_number(value: object) -> bool:
    """A finite number > 0 (None and anything else: not one)."""
    if isinstance(value, bool) or value is None:
        return False
    try:
        number = float(value)  # type: ignore[arg-type]  # numpy scalars and numeric text too
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number > 0


@dataclass
class PriceHistory:
    """OHLCV bars of one symbol as column arrays, sorted by time, no duplicate timestamps.

    ``timestamps`` is ``datetime64[s]`` in UTC; price and volume columns are ``float64``.
    """

    symbol: str
    timeframe: str
    timestamps: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    source: str = ""
    simulated: bool = False
    fetched_at: datetime = field(default_factory=utcnow)

    def __len__(self) -> int:
        return int(self.close.shape[0])

    @property
    def last_timestamp(self) -> datetime | None:
        if not len(self):
            return None
        seconds = int(self.timestamps[-1].astype("datetime64[s]").astype(np.int64))
        return datetime.fromtimestamp(seconds, UTC)

    def to_columns(self) -> dict[str, list[Any]]:
        """JSON-friendly columns (epoch seconds for time), e.g. for storage or ``--json``."""
        return {
            "timestamp": self.timestamps.astype("datetime64[s]").astype(np.int64).tolist(),
            "open": self.open.tolist(),
            "high": self.high.tolist(),
            "low": self.low.tolist(),
            "close": self.close.tolist(),
            "volume": self.volume.tolist(),
        }


class Fundamentals(BaseModel):
    """Company / instrument fundamentals. A field the source does not give stays ``None``."""

    symbol: str
    source: str = ""
    simulated: bool = False
    quote_type: str | None = None
    name: str | None = None
    sector: str | None = None
    industry: str | None = None
    currency: str | None = None
    description: str | None = None
    market_cap: float | None = None
    enterprise_value: float | None = None
    pe_trailing: float | None = None
    pe_forward: float | None = None
    peg: float | None = None
    price_to_book: float | None = None
    price_to_sales: float | None = None
    ev_to_ebitda: float | None = None
    eps_trailing: float | None = None
    eps_forward: float | None = None
    revenue: float | None = None
    ebitda: float | None = None
    net_income: float | None = None
    book_value_per_share: float | None = None
    gross_margin: float | None = None
    operating_margin: float | None = None
    profit_margin: float | None = None
    return_on_equity: float | None = None
    return_on_assets: float | None = None
    revenue_growth: float | None = None
    earnings_growth: float | None = None
    debt_to_equity: float | None = None
    current_ratio: float | None = None
    dividend_yield: float | None = None
    payout_ratio: float | None = None
    beta: float | None = None
    fifty_two_week_high: float | None = None
    fifty_two_week_low: float | None = None
    shares_outstanding: float | None = None
    extra: dict[str, Any] = Field(default_factory=dict)
    fetched_at: datetime = Field(default_factory=utcnow)


Direction = Literal["bullish", "bearish", "neutral"]
#: Something an indicator's line did recently, relative to its reference line (MACD to its
#: signal, SMA(50) to SMA(200)): alerts and the chat read this, never the prose.
SignalEvent = Literal["cross_above", "cross_below"]


class Signal(BaseModel):
    """One indicator's verdict, with the reason in words and the numbers behind it."""

    name: str
    direction: Direction
    reason: str
    values: dict[str, float | None] = Field(default_factory=dict)
    event: SignalEvent | None = None
    """A cross in the last bars (see ``SignalEvent``), or ``None``."""


class AnalysisValue(BaseModel):
    """A named value of an analysis. ``value`` is ``None`` when it could not be computed and
    ``note`` then says why (e.g. "RSI needs 15 bars, 9 available")."""

    name: str
    value: float | str | None
    unit: str = ""
    note: str = ""


class AnalysisSection(BaseModel):
    title: str
    values: list[AnalysisValue] = Field(default_factory=list)


class Analysis(BaseModel):
    """Result of one analyzer on one symbol's data.

    Accepts the guide's constructor ``Analysis(patterns=..., trends=..., indicators=...)``; the
    structured ``sections`` / ``signals`` are what the panes and the LLM read.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    analyzer: str = ""
    symbol: str = ""
    timeframe: str = ""
    source: str = ""
    simulated: bool = False
    bars: int = 0
    data_start: datetime | None = None
    data_end: datetime | None = None
    data_fetched_at: datetime | None = None
    computed_at: datetime = Field(default_factory=utcnow)
    sections: list[AnalysisSection] = Field(default_factory=list)
    signals: list[Signal] = Field(default_factory=list)
    summary: str = ""
    notes: list[str] = Field(default_factory=list)
    patterns: list[Any] = Field(default_factory=list)
    trends: dict[str, Any] = Field(default_factory=dict)
    indicators: dict[str, Any] = Field(default_factory=dict)

    def to_text(self, now: datetime | None = None) -> str:
        """Compact plain text for the LLM (well under 1,500 tokens): what was computed, on which
        data, how old, and every signal with its reason. Values that could not be computed say why."""
        window = ""
        if self.data_start and self.data_end:
            window = f" · {self.bars} bars {self.data_start.date()}..{self.data_end.date()}"
        label = f"{self.source} (SIMULATED data)" if self.simulated else self.source
        age = ""
        if self.data_fetched_at is not None:
            seconds = max(0.0, ((now or utcnow()) - self.data_fetched_at).total_seconds())
            age = f" · data {format_age(seconds)} old"
        lines = [
            f"[{self.analyzer} {self.symbol} {self.timeframe}{window} · source {label}{age}]".replace(
                "  ", " "
            )
        ]
        if self.summary:
            lines.append(f"Summary: {self.summary}")
        for section in self.sections:
            parts = []
            for item in section.values:
                if item.value is None:
                    parts.append(f"{item.name}=n/a ({item.note or 'missing'})")
                else:
                    parts.append(
                        f"{item.name}={_fmt(item.value)}{item.unit if item.unit in ('%', 'x') else ''}"
                    )
            if parts:
                lines.append(f"{section.title}: " + "; ".join(parts))
        if self.signals:
            lines.append(
                "Signals: " + "; ".join(f"{s.name} {s.direction} ({s.reason})" for s in self.signals)
            )
        return "\n".join(lines)


def _fmt(value: float | str) -> str:
    if isinstance(value, str):
        return value
    if abs(value) >= 1e9:
        return f"{value / 1e9:.2f}B"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f}M"
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"


class ChatMessage(BaseModel):
    """One turn of a conversation. ``context`` keeps the exact grounding sent with it."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str
    created_at: datetime = Field(default_factory=utcnow)
    context: str | None = None
    grounding: list[str] = Field(default_factory=list)
    interrupted: bool = False
    error: str | None = None
    tool_name: str | None = None
    provider: str | None = None  # the LLM plugin that wrote an answer
    model: str | None = None  # ...and its model
    #: The figure check (services/chat/figures.py): figures found in the grounding, and not.
    verified_figures: list[str] = Field(default_factory=list)
    unverified_figures: list[str] = Field(default_factory=list)
    #: Per figure, in words: the typed value it matched ("AAPL price 332.40 · SIMULATED · as of
    #: 14:02 UTC") or why it is unverified ("written as rsi, but it is AAPL's price").
    figure_notes: dict[str, str] = Field(default_factory=dict)
