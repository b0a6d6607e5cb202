"""The figure check: every figure in an answer is looked up in what the answer was grounded on.

Prices, changes, percentages, indicator values, volumes and dates in the answer are compared
with the numbers in the context sent to the model and in the tool results, allowing for
rounding and units: 348.9 matches 348.87 (the data rounded to the answer's precision), 1.2M
matches 1,234,567, 3.5% matches 0.035, "down 2.1%" matches -2.1. A figure found nowhere is
*unverified*: the model may have made it up. Figures taken from the user's own question,
list numbering and counts such as "14-day" or "RSI(14)" are not checked.

Built for speed (a 2,000-word answer in well under 5 ms): the sources' numbers are sorted once
and each figure is a few binary searches.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_SCALES = {
    "k": 1e3, "thousand": 1e3,
    "m": 1e6, "mn": 1e6, "million": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9,
    "t": 1e12, "trillion": 1e12,
}  # fmt: skip

_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])")
_SOURCE_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})")  # also inside timestamps
_SOURCE_STAMP = re.compile(
    r"(?<!\d)\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?(?![\w:])"
)
_TIME = re.compile(r"(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?(?![\w:])")
# dates and clock times in one pass: dates are figures of their own, times are none
_DATE_OR_TIME = re.compile(_DATE.pattern + "|" + _TIME.pattern)
_FIGURE = re.compile(
    r"(?<![\w.,/])(?P<sign>[-+−])?(?P<cur>[$€£¥])?"
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?P<unit>\s?%|\s?(?:thousand|million|billion|trillion|bn|mn)\b|[kKmMbBtT]\b)?"
)
# numbers in the sources: JSON, tables, prose ("1.2e-05", "-3.5", "1,234", "12.3%", "4.5M")
_SOURCE_NUMBER = re.compile(
    r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?:\s?%|[kKmMbBtT]\b)?"
)
_COUNT_AFTER = re.compile(r"^\s?(?:-|\s)?(?:day|week|month|year|period|session|bar|minute|hour)s?\b", re.I)
# a period or a count: "RSI(14)", "SMA 50-day", "top 5", "last 3"; but "RSI 85" and "RSI at
# 85" are values, checked like any other figure
_COUNT_BEFORE = re.compile(
    r"(?:\b(?:rsi|sma|ema|macd|bollinger)\s*\(|\b(?:period|periods|top|last|past|next)\s*\(?|\()\s*$", re.I
)
# a year only where the words say so ("in 2025", "since 2019", "FY2024"): "trades at 2025" is a price
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|by|until|till|from|during|of|year|fy|early|late|mid|before|after|through)\s*$", re.I
)
_LIST_NUMBER = re.compile(r"(?:^|\n)\s*$")
_DATE_AFTER = re.compile(r"^\s?(?:q[1-4]|h[12])\b", re.I)  # "2025 Q3"


@dataclass(slots=True)  # not frozen: a long answer makes thousands (frozen init is ~3x slower)
class Figure:
    """One figure as written in the answer, with its value in base units."""

    text: str
    start: int
    end: int
    value: float
    tolerance: float  # half a unit of the last digit written, in base units
    percent: bool = False
    date: str | None = None
    signed: bool = False  # written with a sign ("+0.50%", "-2.1"): only a value of that sign matches


@dataclass
class FigureCheck:
    verified: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    unverified_spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return len(self.verified) + len(self.unverified)

    def summary(self) -> str:
        """For the "grounded on" line: ``all 4 figures check`` / ``2 of 5 figures not found ...``."""
        if not self.checked:
            return ""
        if not self.unverified:
            return f"all {self.checked} figure{'s' if self.checked != 1 else ''} check against the data"
        return f"{len(self.unverified)} of {self.checked} figures not found in the data: " + ", ".join(
            self.unverified[:12]
        )


def _value(number: str) -> tuple[float, int]:
    plain = number.replace(",", "") if "," in number else number
    point = plain.find(".")
    return float(plain), (len(plain) - point - 1 if point >= 0 else 0)


def find_figures(text: str) -> list[Figure]:
    """The figures of ``text`` worth checking (dates, amounts, percentages, plain values)."""
    figures: list[Figure] = []
    append = figures.append

    def blank(match: re.Match[str]) -> str:  # same offsets, figure gone from the scan
        if match.group(1):
            append(Figure(match.group(0), match.start(), match.end(), 0.0, 0.0, False, match.group(0)))
        return " " * (match.end() - match.start())

    scan = _DATE_OR_TIME.sub(blank, text) if ":" in text or "-" in text else text
    for match in _FIGURE.finditer(scan):
        sign, currency, number, unit = match.groups()
        start, end = match.span()
        unit = unit.strip().lower() if unit else ""
        value, decimals = _value(number)
        if not unit and not currency and decimals == 0:  # a plain integer: what is it?
            before, after = scan[max(0, start - 12) : start], scan[end : end + 10]
            if value < 100 and (_COUNT_AFTER.match(after) or _COUNT_BEFORE.search(before)):
                continue  # a period or a count: "14-day", "RSI(14)", "top 5"
            if _LIST_NUMBER.search(before) and after[:1] in ".)" and after[1:2] in (" ", "\t", ""):
                continue  # list numbering: "1. ..." / "2) ..."
            if 1900 <= value <= 2100 and (_YEAR_BEFORE.search(before) or _DATE_AFTER.match(after)):
                append(Figure(match.group(0), start, end, value, 0.0, False, number))
                continue  # a year: checked against the dates
        scale = _SCALES.get(unit, 1.0) if unit else 1.0
        signed = -value if sign in ("-", "−") else value
        append(
            Figure(
                match.group(0).strip(),
                start,
                end,
                signed * scale,
                0.5 * 10.0**-decimals * scale,
                unit == "%",
                None,
                sign is not None,
            )
        )
    figures.sort(key=lambda f: f.start)
    return figures


class _Sources:
    """The numbers and dates of the grounding, sorted for binary search."""

    def __init__(self, texts: Iterable[str]) -> None:
        values: list[float] = []
        signed: list[float] = []
        self.text = "\n".join(texts)
        # dates and clock times are dates, not values: "2026" in 2026-11-25 grounds the year
        # 2026, never a price of 2026 (nor "-11" a change of -11)
        numbers = _SOURCE_STAMP.sub(lambda m: " " * len(m.group(0)), self.text)
        for match in _SOURCE_NUMBER.finditer(numbers):
            token = match.group(0)
            unit = token[-1].lower() if token[-1].isalpha() or token[-1] == "%" else ""
            number = token.rstrip("%kKmMbBtT ").replace(",", "")
            try:
                value = float(number)
            except ValueError:
                continue
            signed.append(value * _SCALES.get(unit, 1.0))
            values.append(value * _SCALES.get(unit, 1.0))
            values.append(abs(value * _SCALES.get(unit, 1.0)))
        self.values = sorted(set(values))  # with and without their signs: "down 2.1%" is -2.1
        self.signed = sorted(set(signed))  # as written: "+0.50%" never matches -0.50
        self.dates = set(_SOURCE_DATE.findall(self.text))
        self.years = {y for y, _, _ in self.dates} | set(
            re.findall(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", self.text)
        )

    def has_value(self, low: float, high: float, values: list[float] | None = None) -> bool:
        values = self.values if values is None else values
        index = bisect.bisect_left(values, low)
        return index < len(values) and values[index] <= high

    def has(self, figure: Figure) -> bool:
        if figure.date is not None:
            if len(figure.date) == 4:
                return figure.date in self.years
            return tuple(figure.date.split("-")) in self.dates
        value = figure.value
        slack = figure.tolerance + abs(value) * 1e-9
        # a figure written with a sign matches only a value of that sign; one without may be
        # the size of a fall ("down 2.1%") or a rise
        values = self.signed if figure.signed else self.values
        if self.has_value(value - slack, value + slack, values):
            return True
        # 3.5% may be written 0.035 in the data
        return figure.percent and self.has_value((value - slack) / 100, (value + slack) / 100, values)


def check_figures(answer: str, sources: Iterable[str], question: str = "") -> FigureCheck:
    """Classify every figure of ``answer``: found in ``sources`` (the context and the tool
    results) or not. Figures that are in ``question`` are the user's own: not counted."""
    grounding = _Sources(sources)
    asked = _Sources([question]) if question else None
    check = FigureCheck()
    verdicts: dict[tuple[str, float], str] = {}  # answers repeat figures: each looked up once
    listed: set[str] = set()
    for figure in find_figures(answer):
        key = (figure.text, figure.value)
        verdict = verdicts.get(key)
        if verdict is None:
            if asked is not None and asked.has(figure):
                verdict = "asked"  # the user's own figure: not counted
            else:
                verdict = "found" if grounding.has(figure) else "missing"
            verdicts[key] = verdict
        if verdict == "missing":
            check.unverified_spans.append((figure.start, figure.end))
        if verdict != "asked" and figure.text not in listed:
            listed.add(figure.text)
            (check.verified if verdict == "found" else check.unverified).append(figure.text)
    return check


def mark_unverified(answer: str, check: FigureCheck) -> str:
    """The answer as Markdown with each unverified figure set apart (inline code, ``?``)."""
    out, last = [], 0
    for start, end in check.unverified_spans:
        out.append(answer[last:start])
        figure = answer[start:end].strip()
        lead = answer[start:end][: len(answer[start:end]) - len(answer[start:end].lstrip())]
        out.append(f"{lead}`{figure} ?`")
        last = end
    out.append(answer[last:])
    return "".join(out)


def mark_figures(answer: str, unverified: Iterable[str]) -> str:
    """``mark_unverified`` for a stored answer: the figures whose text is in ``unverified``."""
    wanted = set(unverified)
    if not wanted:
        return answer
    spans = [(f.start, f.end) for f in find_figures(answer) if f.text in wanted]
    return mark_unverified(answer, FigureCheck(unverified_spans=spans))


def figure_summary(verified: list[str], unverified: list[str]) -> str:
    return FigureCheck(list(verified), list(unverified)).summary()
