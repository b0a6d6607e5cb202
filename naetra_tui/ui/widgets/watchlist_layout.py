"""Which watchlist columns fit the terminal: never a sideways scroll.

The market columns are always there; two groups join them when the list needs them: the
position columns when a symbol on the list has lots, and the extended-hours column when a
quote is in pre- or post-market trading. Each mode has layouts from widest to narrowest; the
first that fits the terminal is used (everything still fits at 80 columns).
"""

from __future__ import annotations

EXT_WIDTH = 17
COLUMNS: list[tuple[str, str, int | None]] = [
    ("symbol", "Symbol", 10),
    ("name", "Name", 16),  # widened to what the terminal leaves (see name_width_for)
    ("last", "Last", 13),  # "12,345.67HK$": a price not in the base currency says its currency
    ("chg", "Chg", 9),
    ("pct", "Chg%", 8),
    ("volume", "Volume", 8),
    ("range", "Day range", 19),
    ("trend", "Trend", 12),
    ("src", "Src", 4),
    ("age", "Age", 9),  # "15s STALE"
    ("mkt", "Mkt", 6),
]
EXTENDED_COLUMNS: list[tuple[str, str, int | None]] = [("ext", "Ext hours", EXT_WIDTH)]  # "POST 231.20 +0.5%"
POSITION_COLUMNS: list[tuple[str, str, int | None]] = [
    ("qty", "Qty", 9),
    ("value", "Value", 12),  # in the base currency, like the P&L: the columns add up
    ("dpnl", "Day P&L", 11),
    ("pnl", "P&L", 11),
    ("pnlpct", "P&L%", 8),
    ("weight", "Wt", 6),
]
#: Display order: the extended-hours price beside the regular one, positions after the day's change.
ALL_COLUMNS = COLUMNS[:3] + EXTENDED_COLUMNS + COLUMNS[3:5] + POSITION_COLUMNS + COLUMNS[5:]
EXTENDED_KEYS = frozenset(k for k, _, _ in EXTENDED_COLUMNS)
POSITION_KEYS = frozenset(k for k, _, _ in POSITION_COLUMNS)

_NARROW = {"range", "name", "volume", "chg", "ext"}
#: Layouts of a plain list, widest first: the columns each one leaves out.
DROPPED: dict[str, set[str]] = {"wide": set(), "medium": {"range", "chg"}, "narrow": _NARROW}
_HOLDING = {"range", "volume", "chg"}
#: ...and of a list holding positions: market columns give way to the position's.
DROPPED_HOLDING: dict[str, set[str]] = {
    "wide": _HOLDING,
    "medium": _HOLDING | {"trend", "src", "mkt"},
    "compact": _HOLDING | {"trend", "src", "mkt", "name", "dpnl", "weight", "ext"},
    "narrow": _HOLDING | {"trend", "src", "mkt", "name", "dpnl", "weight", "ext", "pct", "pnlpct"},
}
NAME_WIDTH = 16
#: The narrowest company name each layout accepts: below it, the next narrower layout is used.
NAME_MIN = {"wide": NAME_WIDTH, "medium": 10}
SCROLLBAR = 2  # the vertical scrollbar's columns when the list is taller than the screen


def layouts(holding: bool) -> dict[str, set[str]]:
    return DROPPED_HOLDING if holding else DROPPED


def shown_keys(layout: str, holding: bool, extended: bool) -> list[str]:
    """The columns a layout shows, in order."""
    dropped = layouts(holding).get(layout, set())
    return [
        key
        for key, _, _ in ALL_COLUMNS
        if key not in dropped
        and (holding or key not in POSITION_KEYS)
        and (extended or key not in EXTENDED_KEYS)
    ]


def others_width(layout: str, holding: bool = False, extended: bool = False) -> int:
    """Cells the columns other than the name take in ``layout`` (each padded by 1 each side)."""
    widths = {k: w or 0 for k, _, w in ALL_COLUMNS}
    return sum(widths[k] + 2 for k in shown_keys(layout, holding, extended) if k != "name")


def _fits(layout: str, width: int, holding: bool, extended: bool) -> bool:
    name = NAME_MIN.get(layout, 0) + 2 if "name" in shown_keys(layout, holding, extended) else 0
    return others_width(layout, holding, extended) + name + SCROLLBAR <= width


def layout_for(width: int, holding: bool = False, extended: bool = False) -> str:
    """The widest layout that fits ``width`` without scrolling sideways."""
    names = list(layouts(holding))
    return next((n for n in names[:-1] if _fits(n, width, holding, extended)), names[-1])


def name_width_for(terminal_width: int, holding: bool = False, extended: bool = False) -> int:
    """Company names get the width the other columns leave (up to 32 cells)."""
    layout = layout_for(terminal_width, holding, extended)
    room = terminal_width - others_width(layout, holding, extended) - 2 - SCROLLBAR  # its own padding
    return max(NAME_MIN.get(layout, NAME_WIDTH), min(32, room))
