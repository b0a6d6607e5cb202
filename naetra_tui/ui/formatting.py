"""Turning untrusted strings and numbers into safe, formatted Rich ``Text``.

Everything shown that came from outside (company names, provider errors, LLM output outside
the Markdown widget) goes through ``safe``: control characters and escape sequences are removed
and the result is a ``Text`` object, so ``[bold]`` or ``[@click=app.quit]`` stay literal.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from ..core.ages import format_age
from ..core.text import clean as clean  # the one policy (core/text.py), re-exported

SPARK = "▁▂▃▄▅▆▇█"


def safe(text: object, style: str = "") -> Text:
    """Untrusted text as a literal ``Text`` (never parsed as markup)."""
    return Text(clean(text), style=style)


def fmt_price(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.2f}"
    if abs(value) >= 10:
        return f"{value:.2f}"
    return f"{value:.4f}"


#: Short currency marks (each sign one cell wide; with the exchange the row names, none is
#: ambiguous); other codes are written out.
CURRENCY_SIGNS = {
    "EUR": "€", "GBP": "£", "GBp": "p", "GBX": "p", "JPY": "¥", "USD": "$", "CAD": "C$", "AUD": "A$",
    "NZD": "NZ$", "HKD": "HK$", "SGD": "S$", "CHF": "Fr", "KRW": "₩", "INR": "₹", "CNY": "CN¥",
    "SEK": "kr", "NOK": "kr", "DKK": "kr", "BRL": "R$", "ZAc": "c", "ZAR": "R",
}  # fmt: skip


def currency_mark(code: str | None, base: str) -> str:
    """What follows a price in a narrow cell: nothing in the base currency, a sign or the code
    otherwise (``2,954.10¥``, ``72.00p``, ``170.00C$``, ``9.50 PLN``), ``?`` when the source gave none."""
    if not code:
        return "?"
    if code == base:
        return ""
    return CURRENCY_SIGNS.get(code, " " + code)


def fmt_volume(value: float | None) -> str:
    if value is None:
        return "—"
    for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(value) >= size:
            return f"{value / size:.1f}{unit}"
    return f"{value:.0f}"


def fmt_age(seconds: float) -> str:
    return format_age(seconds, compact=True)


def sparkline(values: list[float] | None, width: int = 12) -> str:
    """Closes as block characters; a flat series is a flat line (no division by zero)."""
    if not values:
        return ""
    data = [v for v in values if v == v][-width:]
    if not data:
        return ""
    low, high = min(data), max(data)
    if high == low:
        return SPARK[3] * len(data)
    return "".join(SPARK[int((v - low) / (high - low) * (len(SPARK) - 1))] for v in data)


def fmt_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%H:%M:%S") if moment else "—"
