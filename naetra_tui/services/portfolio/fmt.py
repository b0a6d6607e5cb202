"""Money and percentages as the screen, the CLI and the chat write them (no heavy imports:
the watchlist formats with these before its first frame)."""

from __future__ import annotations


def tidy(value: float | None) -> float | None:
    """A rounding residue (-0.0000001) is zero: never shown as "-0.00" in the losing colour."""
    return None if value is None else 0.0 if abs(value) < 0.005 else value


def percent(value: float | None) -> str:
    """``+1.23%``; from 1,000% on without decimals (it fits its column)."""
    value = tidy(value)
    if value is None:
        return "n/a"
    return f"{value:+,.0f}%" if abs(value) >= 1000 else f"{value:+.2f}%"


def money(value: float | None, currency: str | None = "", sign: bool = False) -> str:
    value = tidy(value)
    if value is None:
        return "n/a"
    text = f"{value:+,.2f}" if sign else f"{value:,.2f}"
    return f"{text} {currency or ''}".strip()
