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
        wanted = "cross_above" if alert.op == "up" else "cross_below"
        for signal in technical.signals:
            if signal.name == "MACD" and signal.event == wanted:
                return (
                    f"{alert.symbol} MACD crossed {'above' if alert.op == 'up' else 'below'} its signal line"
                )
    return None


class AlertBook:
    """The user's alerts: kept in storage, checked against fresh quotes and analyses.

    Args:
        state: where alerts are stored.
        analyze: ``await analyze(symbol)`` -> the technical ``Analysis`` or None (for RSI and
            MACD alerts); None when no analyzer runs.
    """

    def __init__(self, state: Any, analyze: Any = None) -> None:
        self.state = state
        self.analyze = analyze
        self.alerts: list[Alert] = []

    @property
    def counts(self) -> tuple[int, int]:
        """(armed, all)."""
        return sum(a.active for a in self.alerts), len(self.alerts)

    async def load(self) -> None:
        """Raises: StorageError."""
        self.alerts = [Alert.from_record(r) for r in await self.state.alerts()]

    async def add(self, symbol: str, expression: str) -> Alert:
        """Raises: InvalidAlert, StorageError (then the alert is not kept)."""
        alert = parse_alert(symbol, expression)
        await self.state.save_alert(alert.id, alert.to_record())
        self.alerts.append(alert)
        return alert

    async def delete(self, alert_id: str) -> None:
        await self.state.delete_alert(alert_id)
        self.alerts = [a for a in self.alerts if a.id != alert_id]

    async def rearm(self, alert_id: str) -> None:
        for alert in self.alerts:
            if alert.id == alert_id:
                alert.active, alert.fired_at, alert.note = True, None, ""
                await self.state.save_alert(alert.id, alert.to_record())

    async def check(self, quote_of: Any) -> list[str]:
        """Fire every armed alert whose condition holds now; returns their messages.

        Args:
            quote_of: ``quote_of(symbol)`` -> the latest quote or None.
        """
        import time

        fired: list[str] = []
        technical: dict[str, Any] = {}
        for alert in self.alerts:
            if not alert.active:
                continue
            tech = None
            if needs_analysis(alert) and self.analyze is not None:
                if alert.symbol not in technical:
                    technical[alert.symbol] = await self.analyze(alert.symbol)
                tech = technical[alert.symbol]
            message = evaluate(alert, quote_of(alert.symbol), tech)
            if message:
                alert.active, alert.fired_at, alert.note = False, time.time(), message
                await self.state.save_alert(alert.id, alert.to_record())
                fired.append(message)
        return fired
