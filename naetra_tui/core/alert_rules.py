"""The alert rule language: one parser for the app, the watcher and the backtest.

Rules are written the way people say them::

    price > 250
    rsi < 30 and price > sma200
    (change% 5d < -10 or volume > 3x avg20) and rsi14 < 40
    sma50 cross above sma200
    macd cross up                      # MACD crosses its signal line

A rule is a tree of ``Compare`` and ``Cross`` conditions joined by ``and``/``or`` (``and`` binds
tighter; parentheses group). Each side of a comparison has a unit — a price, a percent, an
oscillator (0–100), a volume, MACD points — and only like units are compared, so ``rsi > price``
is refused as the mistake it is. A rule that cannot be understood raises ``RuleError`` naming
the token, with a caret under it. Size is bounded (characters, conditions, nesting), so a
100 KB rule or 1,000 nested ``and``s is one clear error, never a stack overflow.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from .errors import NaetraError

MAX_RULE_CHARS = 500
MAX_CONDITIONS = 20
MAX_DEPTH = 8
MAX_PERIOD = 400  # bars: a year and a half of daily bars


class RuleError(NaetraError, ValueError):
    """A rule that cannot be understood; says where and what would be understood."""


Unit = Literal["price", "percent", "oscillator", "volume", "macd"]

#: name -> (unit, default period or None, needs a period)
_SERIES: dict[str, tuple[Unit, int | None]] = {
    "price": ("price", None),
    "close": ("price", None),
    "open": ("price", None),
    "high": ("price", None),
    "low": ("price", None),
    "volume": ("volume", None),
    "change%": ("percent", 1),
    "rsi": ("oscillator", 14),
    "sma": ("price", None),
    "ema": ("price", None),
    "macd": ("macd", None),
    "macd_signal": ("macd", None),
    "signal": ("macd", None),
    "macd_hist": ("macd", None),
    "bb_upper": ("price", None),
    "bb_middle": ("price", None),
    "bb_lower": ("price", None),
    "avg": ("price", None),  # the average of the other side: its unit is that side's
}
_NEEDS_PERIOD = {"sma", "ema", "avg"}
KNOWN = "price, change% [5d], volume, rsi[14], sma50, ema20, macd, macd_signal, bb_upper, bb_lower, avg20"
_UNIT_WORDS = {
    "price": "a price",
    "percent": "a percent change",
    "oscillator": "an oscillator (0-100)",
    "volume": "a volume",
    "macd": "MACD points",
}


@dataclass(frozen=True, slots=True)
class Series:
    name: str  # a key of _SERIES ("signal" is stored as "macd_signal", "close" as "price")
    period: int | None = None
    unit: Unit = "price"

    @property
    def text(self) -> str:
        if self.name == "change%":
            return "change%" + (f" {self.period}d" if self.period and self.period != 1 else "")
        if self.name == "rsi" and self.period == 14:
            return "rsi"
        return f"{self.name}{self.period}" if self.period else self.name


@dataclass(frozen=True, slots=True)
class Operand:
    """A number, a series, or a number times a series (``3x avg20``)."""

    series: Series | None = None
    factor: float = 1.0

    @property
    def text(self) -> str:
        if self.series is None:
            return f"{self.factor:g}"
        return f"{self.factor:g}x {self.series.text}" if self.factor != 1.0 else self.series.text


@dataclass(frozen=True, slots=True)
class Compare:
    left: Series
    op: str  # > < >= <=
    right: Operand

    @property
    def text(self) -> str:
        return f"{self.left.text} {self.op} {self.right.text}"


@dataclass(frozen=True, slots=True)
class Cross:
    left: Series
    direction: Literal["above", "below"]
    right: Operand

    @property
    def text(self) -> str:
        return f"{self.left.text} cross {self.direction} {self.right.text}"


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Node, ...]

    @property
    def text(self) -> str:
        return " and ".join(_grouped(p, AnyOf) for p in self.parts)


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Node, ...]

    @property
    def text(self) -> str:
        return " or ".join(p.text for p in self.parts)


Node = Compare | Cross | AllOf | AnyOf


def _grouped(node: Node, kind: type) -> str:
    return f"({node.text})" if isinstance(node, kind) else node.text


def conditions(node: Node) -> list[Compare | Cross]:
    """Every condition of a rule, left to right."""
    if isinstance(node, Compare | Cross):
        return [node]
    return [c for part in node.parts for c in conditions(part)]


def series_of(node: Node) -> set[Series]:
    """Every series a rule reads (the evaluator computes each once)."""
    out: set[Series] = set()
    for c in conditions(node):
        out.add(c.left)
        if c.right.series is not None:
            out.add(c.right.series)
    return out


# --- tokens --------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)(?P<suffix>x|d)?(?![\w%])|(?P<op>>=|<=|>|<|==|=|!=)|(?P<paren>[()])"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*%?(?:\(\d+\))?))"
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # num, times, window, op, paren, word, end
    text: str
    at: int
    value: float = 0.0


def _tokens(rule: str) -> list[_Token]:
    out: list[_Token] = []
    at = 0
    while at < len(rule):
        if rule[at:].strip() == "":
            break
        match = _TOKEN.match(rule, at)
        if match is None or match.end() == at:
            start = len(rule) - len(rule[at:].lstrip())
            char = rule[start] if rule[start].isprintable() else f"U+{ord(rule[start]):04X}"
            raise _error(rule, start, f"'{char}' is not part of a rule")
        start = at + len(match.group(0)) - len(match.group(0).lstrip())
        if match.group("num") is not None:
            value = float(match.group("num"))
            kind = {"x": "times", "d": "window", None: "num"}[match.group("suffix")]
            out.append(_Token(kind, match.group(0).strip(), start, value))
        elif match.group("op") is not None:
            out.append(_Token("op", match.group("op"), start))
        elif match.group("paren") is not None:
            out.append(_Token("paren", match.group("paren"), start))
        else:
            out.append(_Token("word", match.group("word").lower(), start))
        at = match.end()
    out.append(_Token("end", "", len(rule)))
    return out


def _error(rule: str, at: int, message: str) -> RuleError:
    """``message`` with the rule (a window of it, if long) and a caret under column ``at``."""
    start = max(0, at - 30)
    shown = rule[start : start + 70].replace("\n", " ").replace("\t", " ")
    shown = "".join(ch if ch.isprintable() else "?" for ch in shown)
    return RuleError(f"{message} (at column {at + 1})\n  {shown}\n  {' ' * (at - start)}^")


# --- parser ----------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.tokens = _tokens(rule)
        self.at = 0
        self.count = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def fail(self, message: str, token: _Token | None = None) -> RuleError:
        return _error(self.rule, (token or self.token).at, message)

    def take(self) -> _Token:
        token = self.token
        self.at += 1
        return token

    def parse(self) -> Node:
        node = self.either(0)
        if self.token.kind != "end":
            what = "')' without its '('" if self.token.text == ")" else f"'{self.token.text}'"
            raise self.fail(f"{what} after a complete condition: join conditions with 'and' or 'or'")
        return node

    def either(self, depth: int) -> Node:
        parts = [self.both(depth)]
        while self.token.kind == "word" and self.token.text == "or":
            self.take()
            parts.append(self.both(depth))
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def both(self, depth: int) -> Node:
        parts = [self.atom(depth)]
        while self.token.kind == "word" and self.token.text == "and":
            self.take()
            parts.append(self.atom(depth))
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def atom(self, depth: int) -> Node:
        if self.token.text == "(":
            opening = self.take()
            if depth + 1 > MAX_DEPTH:
                raise self.fail(f"parentheses nest more than {MAX_DEPTH} deep", opening)
            node = self.either(depth + 1)
            if self.token.text != ")":
                raise self.fail("this '(' is never closed", opening)
            self.take()
            return node
        return self.condition()

    def condition(self) -> Compare | Cross:
        self.count += 1
        if self.count > MAX_CONDITIONS:
            raise self.fail(f"a rule has at most {MAX_CONDITIONS} conditions")
        left = self.series()
        if left.name == "avg":
            raise self.fail("avgN is the average of the other side: put it on the right (volume > 3x avg20)")
        token = self.token
        if token.kind == "word" and token.text in ("cross", "crosses"):
            self.take()
            return self.cross(left)
        if token.kind == "end":
            raise self.fail(f"'{left.text}' needs a comparison, e.g. '{left.text} > …'")
        if token.kind != "op":
            raise self.fail(
                f"expected a comparison (>, <, >=, <=) or 'cross above'/'cross below' after '{left.text}'"
            )
        if token.text not in (">", "<", ">=", "<="):
            raise self.fail(f"'{token.text}' is not a comparison here: use >, <, >= or <=")
        self.take()
        right = self.operand(left)
        return Compare(left, token.text, right)

    def cross(self, left: Series) -> Cross:
        word = self.token
        if word.kind != "word" or word.text not in ("above", "below", "up", "down", "over", "under"):
            raise self.fail("after 'cross' say 'above' or 'below' (or 'up'/'down')")
        self.take()
        direction: Literal["above", "below"] = "above" if word.text in ("above", "up", "over") else "below"
        if self.token.kind == "end" or self.token.text in ("and", "or", ")"):
            if left.name != "macd":
                raise self.fail(f"cross {direction} what? e.g. '{left.text} cross {direction} sma200'")
            return Cross(left, direction, Operand(Series("macd_signal", None, "macd")))
        return Cross(left, direction, self.operand(left))

    def operand(self, left: Series) -> Operand:
        token = self.token
        if token.kind == "num":
            self.take()
            self._check_number(left, token)
            return Operand(None, token.value)
        if token.kind == "times":
            self.take()
            if token.value <= 0:
                raise self.fail("a multiple must be above 0", token)
            right = self.series(of=left)
            return Operand(right, token.value)
        if token.kind == "word":
            right = self.series(of=left)
            if right.unit != left.unit:
                raise self.fail(
                    f"cannot compare {left.text} ({_UNIT_WORDS[left.unit]}) with {right.text} "
                    f"({_UNIT_WORDS[right.unit]})",
                    token,
                )
            return Operand(right)
        raise self.fail(
            f"'{left.text}' is compared with nothing: add a number or a series, e.g. 250 or sma50"
        )

    def _check_number(self, left: Series, token: _Token) -> None:
        if not math.isfinite(token.value):
            raise self.fail("not a number", token)
        if left.unit == "oscillator" and not 0 <= token.value <= 100:
            raise self.fail(f"{left.text} runs from 0 to 100; {token.text} can never be reached", token)
        if left.unit in ("price", "volume") and token.value < 0:
            raise self.fail(f"{left.text} is never below 0", token)
        if left.unit == "percent" and token.value < -100:
            raise self.fail(f"{left.text} is never below -100", token)

    def series(self, of: Series | None = None) -> Series:
        token = self.token
        if token.kind != "word" or token.text in ("and", "or", "cross", "crosses"):
            what = "the end of the rule" if token.kind == "end" else f"'{token.text}'"
            raise self.fail(f"expected an indicator ({KNOWN}) but found {what}")
        self.take()
        name, period = _split_period(token.text)
        if name == "close":
            name = "price"
        if name == "signal":
            name = "macd_signal"
        if name not in _SERIES:
            raise self.fail(f"unknown indicator '{token.text}': the rules know {KNOWN}", token)
        unit, default = _SERIES[name]
        if name == "change%" and self.token.kind == "window":
            period = int(self.take().value)
        elif period is None and self.token.kind == "num" and name in _NEEDS_PERIOD | {"rsi"}:
            period = int(self.take().value)  # "sma 50", "rsi 14"
        period = period if period is not None else default
        if name in _NEEDS_PERIOD and period is None:
            raise self.fail(f"'{name}' needs a period, e.g. {name}20", token)
        if period is not None and not 1 <= period <= MAX_PERIOD:
            raise self.fail(f"a period runs from 1 to {MAX_PERIOD} bars", token)
        if name == "avg":
            if of is None:
                raise self.fail("avgN is the average of the other side: put it on the right", token)
            unit = of.unit
        return Series(name, period, unit)


def _split_period(word: str) -> tuple[str, int | None]:
    """``sma50`` / ``sma(50)`` -> (``sma``, 50); ``macd_signal`` -> (``macd_signal``, None)."""
    match = re.fullmatch(r"([a-z_%]+?)\(?(\d+)\)?", word)
    if match and match.group(1) in _SERIES:
        return match.group(1), int(match.group(2))
    return word, None


def parse_rule(rule: str) -> Node:
    """The tree of ``rule``. Raises: RuleError (what and where, with examples)."""
    if not isinstance(rule, str) or not rule.strip():
        raise RuleError(
            "a rule is empty: try 'price > 250', 'rsi < 30 and price > sma200' or 'macd cross up'"
        )
    if len(rule) > MAX_RULE_CHARS:
        raise RuleError(f"a rule is at most {MAX_RULE_CHARS} characters (this one has {len(rule):,})")
    return _Parser(rule).parse()
