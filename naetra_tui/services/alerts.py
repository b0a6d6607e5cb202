"""Alerts: per-symbol thresholds on price, change % or an analyzer signal, checked every refresh.

Written the way people say them: ``price > 250``, ``price < 180.5``, ``change% > 3``,
``change% < -2``, ``rsi < 30``, ``rsi > 70``, ``macd cross up``, ``macd cross down``.
An alert fires once, then stays fired until re-armed; alerts are stored.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from ..core.errors import NaetraError
from ..core.symbols import normalize_symbol


class InvalidAlert(NaetraError, ValueError):
    """An alert expression that cannot be understood."""


_EXPRESSION = re.compile(r"^\s*(price|change%?|rsi)\s*(>|<|>=|<=)\s*(-?\d+(?:\.\d+)?)\s*$", re.IGNORECASE)
_MACD = re.compile(r"^\s*macd\s+cross(?:es)?\s+(up|down)\s*$", re.IGNORECASE)


@dataclass
class Alert:
    id: str
    symbol: str
    kind: str  # price | change | rsi | macd
    op: str  # > < >= <= | up | down
    value: float | None
    active: bool = True
    fired_at: float | None = None
    note: str = ""

    @property
    def text(self) -> str:
        if self.kind == "macd":
            return f"{self.symbol}: MACD crosses {self.op}"
        label = {"price": "price", "change": "change%", "rsi": "RSI"}[self.kind]
        return f"{self.symbol}: {label} {self.op} {self.value:g}"

    def to_record(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "kind": self.kind,
            "op": self.op,
            "value": self.value,
            "active": self.active,
            "fired_at": self.fired_at,
            "note": self.note,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Alert:
        return cls(
            id=str(record["id"]),
            symbol=record["symbol"],
            kind=record["kind"],
            op=record["op"],
            value=record.get("value"),
            active=bool(record.get("active", True)),
            fired_at=record.get("fired_at"),
            note=str(record.get("note", "")),
        )


def parse_alert(symbol: str, expression: str) -> Alert:
    """Raises: InvalidAlert (with examples), InvalidSymbol."""
    symbol = normalize_symbol(symbol)
    match = _EXPRESSION.match(expression)
    if match:
        field, op, value = match.groups()
        kind = "change" if field.lower().startswith("change") else field.lower()
        return Alert(uuid.uuid4().hex[:12], symbol, kind, op, float(value))
    match = _MACD.match(expression)
    if match:
        return Alert(uuid.uuid4().hex[:12], symbol, "macd", match.group(1).lower(), None)
    raise InvalidAlert(
        f"'{expression[:60]}' is not an alert: try 'price > 250', 'change% < -3', 'rsi < 30' or 'macd cross up'"
    )


def _compare(actual: float, op: str, target: float) -> bool:
    return {">": actual > target, "<": actual < target, ">=": actual >= target, "<=": actual <= target}[op]


def needs_analysis(alert: Alert) -> bool:
    return alert.kind in ("rsi", "macd")


def evaluate(alert: Alert, quote: Any, technical: Any = None) -> str | None:
    """The message if ``alert`` fires now, else None. ``technical`` is the technical Analysis."""
    if not alert.active:
        return None
    if alert.kind == "price" and quote is not None:
        if _compare(quote.price, alert.op, alert.value or 0):
            return f"{alert.symbol} price {quote.price:.2f} {alert.op} {alert.value:g}"
    elif alert.kind == "change" and quote is not None and quote.change_pct is not None:
        if _compare(quote.change_pct, alert.op, alert.value or 0):
            return f"{alert.symbol} change {quote.change_pct:+.2f}% {alert.op} {alert.value:g}%"
    elif alert.kind == "rsi" and technical is not None:
        rsi = (technical.indicators.get("RSI") or {}).get("value")
        if rsi is not None and _compare(rsi, alert.op, alert.value or 0):
            return f"{alert.symbol} RSI {rsi:.1f} {alert.op} {alert.value:g}"
    elif alert.kind == "macd" and technical is not None:
        for signal in technical.signals:
            if signal.name == "MACD" and "crossed" in signal.reason:
                crossed_up = "crossed above" in signal.reason
                if (alert.op == "up") == crossed_up:
                    return f"{alert.symbol} MACD crossed {'above' if crossed_up else 'below'} its signal line"
    return None
