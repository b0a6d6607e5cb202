"""An alert: a symbol, a rule in the rule language (``core/alert_rules.py``), the notifiers it
uses and how often it may fire — and the record of one firing (``AlertEvent``).

Stored records are read defensively (another terminal, an older version or a hostile journal
may have written them): a record whose rule no longer parses is skipped with the reason, never
half-loaded. Records of the first alert format (``kind``/``op``/``value``) read as rules.
"""

from __future__ import annotations

import math
import re
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ...core.alert_rules import Node, RuleError, parse_rule
from ...core.symbols import normalize_symbol
from ...core.text import clean_line

#: Kept for the callers of the first alert format: every rule error is one.
InvalidAlert = RuleError

MAX_NOTIFIERS = 10
_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_LEGACY = {"price": "price", "change": "change%", "rsi": "rsi"}


@lru_cache(maxsize=4096)
def rule_tree(rule: str) -> Node:
    """The parsed rule (cached: a thousand alerts share a few dozen rules)."""
    return parse_rule(rule)


@dataclass
class Alert:
    id: str
    symbol: str
    rule: str  # as the parser prints it: one spelling per meaning
    active: bool = True
    fired_at: float | None = None
    note: str = ""
    #: Notifier names; empty: every enabled notifier.
    notify: tuple[str, ...] = ()
    #: Seconds before it may fire again; None: once, then it waits to be re-armed.
    cooldown: float | None = None
    expires_at: float | None = None
    created_at: float = field(default_factory=time.time)

    @property
    def tree(self) -> Node:
        return rule_tree(self.rule)

    @property
    def text(self) -> str:
        return f"{self.symbol}: {self.rule}"

    @property
    def how_often(self) -> str:
        return f"again after {duration_text(self.cooldown)}" if self.cooldown else "once"

    def to_record(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "rule": self.rule,
            "active": self.active,
            "fired_at": self.fired_at,
            "note": self.note,
            "notify": list(self.notify),
            "cooldown": self.cooldown,
            "expires_at": self.expires_at,
            "created_at": self.created_at,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Alert:
        """Raises: ValueError (what is wrong with the record), RuleError, InvalidSymbol."""
        alert_id = str(record.get("id", ""))
        if not _ID.fullmatch(alert_id):
            raise ValueError("its id is not one naetra-tui writes")
        rule = record.get("rule")
        if rule is None:  # the first format
            kind, op, value = record.get("kind"), record.get("op"), record.get("value")
            if kind == "macd" and op in ("up", "down"):
                rule = f"macd cross {op}"
            elif kind in _LEGACY and isinstance(value, int | float):
                rule = f"{_LEGACY[kind]} {op} {value:g}"
        if not isinstance(rule, str):
            raise ValueError("it has no rule")
        active = record.get("active", True)
        if not isinstance(active, bool):
            raise ValueError("'active' is not true or false")
        notify = record.get("notify") or []
        if not isinstance(notify, list) or not all(isinstance(n, str) for n in notify):
            raise ValueError("'notify' is not a list of names")
        return cls(
            id=alert_id,
            symbol=normalize_symbol(str(record.get("symbol", ""))),
            rule=rule_tree(rule).text,
            active=active,
            fired_at=_seconds(record.get("fired_at")),
            note=clean_line(str(record.get("note") or ""))[:300],
            notify=tuple(clean_line(n)[:40] for n in notify[:MAX_NOTIFIERS]),
            cooldown=_seconds(record.get("cooldown")),
            expires_at=_seconds(record.get("expires_at")),
            created_at=_seconds(record.get("created_at")) or 0.0,
        )


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """``90s``, ``15m``, ``1h``, ``2d``, ``1w`` in seconds. Raises: ValueError (with examples)."""
    match = _DURATION.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"'{clean_line(text)[:20]}' is not a duration: try 30m, 1h, 2d or 1w")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]


def duration_text(seconds: float) -> str:
    """``3600`` -> ``1h``; ``90`` -> ``90s``."""
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value) if value >= 0 else None


def parse_alert(
    symbol: str,
    rule: str,
    notify: tuple[str, ...] = (),
    cooldown: float | None = None,
    expires_at: float | None = None,
) -> Alert:
    """A new alert. Raises: RuleError (what and where), InvalidSymbol."""
    symbol = normalize_symbol(symbol)
    tree = rule_tree(rule.strip())
    return Alert(uuid.uuid4().hex[:12], symbol, tree.text, notify=tuple(notify), cooldown=cooldown,
                 expires_at=expires_at)  # fmt: skip


@dataclass
class AlertEvent:
    """One firing: when, what the rule read, and what each notifier did with it."""

    alert_id: str
    symbol: str
    rule: str
    at: float
    values: dict[str, float]
    #: Notifier name -> "delivered" or why not ("failed: …", "timed out after 10 s").
    deliveries: dict[str, str] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    #: The figures came from the simulated feed.
    simulated: bool = False

    @property
    def message(self) -> str:
        read = ", ".join(f"{name} {value:,.4g}" for name, value in self.values.items())
        said = f"{self.symbol}: {self.rule}" + (f" ({read})" if read else "")
        return said + (" [SIMULATED data]" if self.simulated else "")

    def to_record(self) -> dict[str, Any]:
        return {"alert_id": self.alert_id, "symbol": self.symbol, "rule": self.rule, "at": self.at,
                "values": self.values, "deliveries": self.deliveries, "simulated": self.simulated}  # fmt: skip

    @classmethod
    def from_record(cls, event_id: str, record: dict[str, Any]) -> AlertEvent:
        """Raises: ValueError, KeyError (a malformed record)."""
        values = record.get("values") or {}
        deliveries = record.get("deliveries") or {}
        at = _seconds(record.get("at"))
        if at is None or not isinstance(values, dict) or not isinstance(deliveries, dict):
            raise ValueError("a malformed alert event")
        return cls(
            alert_id=clean_line(str(record["alert_id"]))[:40],
            symbol=clean_line(str(record["symbol"]))[:20],
            rule=clean_line(str(record["rule"]))[:500],
            at=at,
            values={
                clean_line(str(k))[:40]: float(v)
                for k, v in list(values.items())[:20]
                if isinstance(v, int | float) and math.isfinite(v)
            },
            deliveries={
                clean_line(str(k))[:40]: clean_line(str(v))[:300] for k, v in list(deliveries.items())[:20]
            },
            id=event_id,
            simulated=record.get("simulated") is True,
        )
