"""The figure check with attribution: each figure of a text matched to one typed value — the
symbol, the field, its source and as-of time — or left unverified with the reason.

The chat's own check (``figures.check_figures``) asks "is this number anywhere in the data?".
This one asks "is it the value the words say it is?": a figure preceded by a field's name ("RSI
332.40") must match that field, and one after a symbol's name must match that symbol's values,
so "RSI 332.40" is not verified by a price of 332.40, nor "MSFT 189.20" by AAPL's price.
Signs and units follow ``figures``: "+0.50%" matches only +0.5, 3.5% matches 3.5 or 0.035.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from ...core.clock import utcnow
from .figures import Figure, FigureCheck, find_figures

#: Words that name a field, and the fields each may mean (matched against a normalised field
#: name: lower case, letters and digits only). Checked nearest-first before the figure.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "rsi": ("rsi",),
    "macd": ("macd",),
    "sma": ("sma",),
    "ema": ("ema",),
    "bollinger": ("bollinger", "bb"),
    "atr": ("atr",),
    "volume": ("volume",),
    "p/e": ("pe", "priceearnings"),
    "pe": ("pe", "priceearnings"),
    "eps": ("eps",),
    "market cap": ("marketcap",),
    "dividend": ("dividend",),
    "open": ("open",),
    "high": ("high",),
    "low": ("low",),
    "previous close": ("previousclose",),
    "price": ("price", "last", "close"),
    "trades at": ("price", "last", "close"),
    "last": ("price", "last", "close"),
    "change": ("change",),
}
_FIELD_WORD = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in FIELD_WORDS), key=len, reverse=True)) + r")\b", re.I
)
_WINDOW = 40  # characters before a figure where its field or symbol name counts
#: Words that name a price: a percentage after them ("the price fell 0.5%") is its change.
PRICE_WORDS = frozenset({"price", "trades at", "last"})


@dataclass(frozen=True, slots=True)
class Fact:
    """One value of the data, with what it is and where it came from."""

    symbol: str
    field: str
    value: float
    source: str
    as_of: datetime | None
    simulated: bool = False
    percent: bool = False

    @property
    def key(self) -> str:
        return _norm(self.field)

    def describe(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "field": self.field,
            "value": self.value,
            "source": "SIMULATED (not real market data)" if self.simulated else self.source,
            "as_of": self.as_of.isoformat().replace("+00:00", "Z")
            if self.as_of
            else None,  # as quotes write it
            "age_seconds": round((utcnow() - self.as_of).total_seconds(), 1) if self.as_of else None,
            "simulated": self.simulated,
        }


@dataclass
class Verdict:
    figure: str
    verified: bool
    fact: Fact | None = None
    reason: str = ""

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"figure": self.figure, "verified": self.verified}
        if self.fact is not None:
            out["matched"] = self.fact.describe()
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class Attribution:
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def verified(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.verified]

    @property
    def unverified(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.verified]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class _Index:
    """The facts sorted by value (and by absolute value, for figures written without a sign)."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        pairs: list[tuple[float, Fact]] = []
        signed: list[tuple[float, Fact]] = []
        for fact in facts:
            signed.append((fact.value, fact))
            pairs.append((abs(fact.value), fact))
        pairs.sort(key=lambda p: p[0])
        signed.sort(key=lambda p: p[0])
        self.abs_keys, self.abs_facts = [p[0] for p in pairs], [p[1] for p in pairs]
        self.keys, self.facts = [p[0] for p in signed], [p[1] for p in signed]

    def near(self, low: float, high: float, signed: bool) -> list[Fact]:
        keys, facts = (self.keys, self.facts) if signed else (self.abs_keys, self.abs_facts)
        start = bisect.bisect_left(keys, low)
        end = bisect.bisect_right(keys, high, lo=start)
        return facts[start:end]


def _candidates(index: _Index, figure: Figure) -> list[Fact]:
    value = figure.value if figure.signed else abs(figure.value)
    slack = figure.tolerance + abs(value) * 1e-9
    found = index.near(value - slack, value + slack, figure.signed)
    if figure.percent:  # 3.5% may be a fraction (0.035) in the data
        found = found + index.near((value - slack) / 100, (value + slack) / 100, figure.signed)
    else:  # a plain figure is never a percentage's value ("change 1.2" vs 1.2%: same figure)
        found = [f for f in found if not f.percent] or found
    return found


def _named_before(text: str, start: int, after: int, symbols: set[str]) -> tuple[str | None, str | None]:
    """The field word and the symbol nearest before ``start`` — within the window, and after
    the previous figure (``after``): a name belongs to the first figure that follows it."""
    window = text[max(0, after, start - _WINDOW) : start]
    words = list(_FIELD_WORD.finditer(window))
    word = words[-1].group(1).lower() if words else None
    symbol = None
    best = -1
    for candidate in symbols:
        at = window.rfind(candidate)
        if at > best and _whole_word(window, at, len(candidate)):
            best, symbol = at, candidate
    return word, symbol


def _whole_word(text: str, at: int, length: int) -> bool:
    if at < 0:
        return False
    before = text[at - 1] if at > 0 else " "
    after = text[at + length] if at + length < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def _judge(figure: Figure, candidates: list[Fact], word: str | None, symbol: str | None) -> Verdict:
    if not candidates:
        return Verdict(figure.text, False, reason="no value in the data matches it")
    pool = candidates
    if symbol is not None:
        mine = [f for f in pool if f.symbol == symbol]
        if not mine:
            other = pool[0]
            return Verdict(
                figure.text, False, reason=f"written about {symbol}, but it is {other.symbol}'s {other.field}"
            )
        pool = mine
    if word is not None and not (figure.percent and word in PRICE_WORDS):
        wanted = FIELD_WORDS[word]
        named = [f for f in pool if any(w in f.key for w in wanted)]
        if not named:
            other = pool[0]
            return Verdict(
                figure.text, False, reason=f"written as {word}, but it is {other.symbol}'s {other.field}"
            )
        pool = named
    return Verdict(figure.text, True, fact=pool[0])


def _judged(text: str, facts: Iterable[Fact]) -> Iterator[tuple[Figure, str | None, str | None, Verdict]]:
    """Each value figure of ``text`` with the field word and symbol before it, and its verdict."""
    facts = list(facts)
    index = _Index(facts)
    symbols = {f.symbol for f in facts}
    previous_end = 0
    for figure in find_figures(text):
        if figure.date is not None:
            continue  # dates and years are not values
        word, symbol = _named_before(text, figure.start, previous_end, symbols)
        previous_end = figure.end
        yield figure, word, symbol, _judge(figure, _candidates(index, figure), word, symbol)


def attribute(text: str, facts: Iterable[Fact]) -> Attribution:
    """Each figure of ``text`` judged against ``facts``; a figure repeated with the same words
    before it is judged once."""
    result = Attribution()
    seen: set[tuple[str, str | None, str | None]] = set()
    for figure, word, symbol, verdict in _judged(text, facts):
        if (figure.text, word, symbol) not in seen:
            seen.add((figure.text, word, symbol))
            result.verdicts.append(verdict)
    return result


#: Words whose field is never in doubt (unlike "low" or "change", which prose uses loosely): a
#: figure after one of them that is the value of another field is a mislabelled figure.
STRICT_WORDS = frozenset({"rsi", "macd", "sma", "ema", "bollinger", "atr", "volume", "p/e", "pe", "eps",
                          "market cap", "dividend"})  # fmt: skip


def field_conflicts(text: str, facts: Iterable[Fact]) -> list[tuple[str, int, int]]:
    """The figures of ``text`` (text, start, end) that match a value only of another field or
    symbol than the words before them name ("RSI 332.40" where 332.40 is the price; "MSFT
    trades at 332.40" where it is AAPL's): the chat's text-based check counts them as found."""
    conflicts: list[tuple[str, int, int]] = []
    for figure, word, _, verdict in _judged(text, facts):
        if verdict.reason.startswith("written about ") or (
            verdict.reason.startswith("written as ") and word in STRICT_WORDS
        ):
            conflicts.append((figure.text, figure.start, figure.end))
    return conflicts


def downgraded(check: FigureCheck, conflicts: list[tuple[str, int, int]]) -> FigureCheck:
    """``check`` with the conflicting figures unverified, marked where they stand (a figure
    written correctly elsewhere in the answer keeps its place unmarked there)."""
    moved = {text for text, _, _ in conflicts if text in check.verified}
    if not moved:
        return check
    spans = [(start, end) for text, start, end in conflicts if text in moved]
    return FigureCheck(
        [f for f in check.verified if f not in moved],
        check.unverified + [f for f in check.verified if f in moved],
        sorted(check.unverified_spans + spans),
    )


# --- facts from the services' types --------------------------------------------------------------


def quote_facts(quote: Any) -> list[Fact]:
    """A quote's figures: price, change, change %, open, high, low, previous close, volume."""

    def fact(name: str, value: float | None, percent: bool = False) -> Fact | None:
        if value is None:
            return None
        return Fact(quote.symbol, name, float(value), quote.source, quote.as_of, quote.simulated, percent)

    change = quote.price - quote.previous_close if quote.previous_close else None
    made = [
        fact("price", quote.price),
        fact("change", change),
        fact("change_pct", quote.change_pct, percent=True),
        fact("open", quote.open),
        fact("day_high", quote.day_high),
        fact("day_low", quote.day_low),
        fact("previous_close", quote.previous_close),
        fact("volume", quote.volume),
    ]
    return [f for f in made if f is not None]


def analysis_facts(analysis: Any) -> list[Fact]:
    """An analysis's numeric values (sections and the numbers behind each signal)."""
    out: list[Fact] = []
    as_of = analysis.data_end or analysis.computed_at
    for section in analysis.sections:
        for item in section.values:
            if isinstance(item.value, int | float) and not isinstance(item.value, bool):
                percent = item.unit.strip() == "%"
                out.append(
                    Fact(
                        analysis.symbol,
                        item.name,
                        float(item.value),
                        analysis.source,
                        as_of,
                        analysis.simulated,
                        percent,
                    )
                )
    for signal in analysis.signals:
        for name, value in signal.values.items():
            # the price a signal compares with is the quote's, not a value of the indicator
            if value is not None and name != "price":
                out.append(
                    Fact(
                        analysis.symbol,
                        f"{signal.name} {name}",
                        float(value),
                        analysis.source,
                        as_of,
                        analysis.simulated,
                    )
                )
    return out


def history_facts(history: Any) -> list[Fact]:
    """The figures ``summarize_history`` gives the model: last close, changes over 1/5/21/63
    bars and the whole range, the range's high and low, annualised volatility."""
    close = history.close
    n = len(close)
    if not n:
        return []
    source, as_of, simulated = history.source, history.fetched_at, history.simulated

    def fact(name: str, value: float, percent: bool = False) -> Fact:
        return Fact(history.symbol, name, float(value), source, as_of, simulated, percent)

    out = [fact("close", close[-1]), fact("change_pct", (close[-1] / close[0] - 1) * 100, True)]
    out += [fact("change_pct", (close[-1] / close[-1 - b] - 1) * 100, True) for b in (1, 5, 21, 63) if n > b]
    out += [fact("high", float(np.nanmax(history.high))), fact("low", float(np.nanmin(history.low)))]
    if n > 2:
        out.append(fact("volatility", float(np.std(np.diff(np.log(close))) * np.sqrt(252) * 100), True))
    return out


def match_note(fact: Fact) -> str:
    """A matched value in words, for the chat's figure report."""
    origin = "SIMULATED" if fact.simulated else fact.source
    when = f" · as of {fact.as_of:%Y-%m-%d %H:%M} UTC" if fact.as_of else ""
    return f"{fact.symbol} {fact.field.replace('_', ' ')} · {origin}{when}"


def figure_notes(text: str, check: FigureCheck, facts: Iterable[Fact]) -> dict[str, str]:
    """Per figure of the check, in words: what it matched, or why it is unverified. A verified
    figure no typed value explains was found in the text sent with the question."""
    matched: dict[str, Fact] = {}
    refused: dict[str, str] = {}
    for verdict in attribute(text, facts).verdicts:  # the first of each kind, for a repeated figure
        if verdict.verified and verdict.fact is not None:
            matched.setdefault(verdict.figure, verdict.fact)
        elif not verdict.verified and verdict.reason:
            refused.setdefault(verdict.figure, verdict.reason)
    notes: dict[str, str] = {}
    for figure in check.verified:
        notes[figure] = (
            match_note(matched[figure]) if figure in matched else "in the data sent with the question"
        )
    for figure in check.unverified:
        notes[figure] = refused.get(figure, "not in the data")
    return notes
