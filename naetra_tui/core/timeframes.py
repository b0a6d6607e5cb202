"""The one vocabulary of bar sizes (timeframes) and ranges; no heavy imports (the CLI's
argument parser uses it). ``1M`` is a bar size (a month) among timeframes and a span (a month
back) among ranges: which one is meant is always clear from the argument it is given to.
Resampling is in ``resample.py``."""

from __future__ import annotations

TIMEFRAMES = ("1m", "5m", "15m", "1h", "1D", "1W", "1M")
INTRADAY_MINUTES = {"1m": 1, "5m": 5, "15m": 15, "1h": 60}
#: Range name -> calendar days (None: everything there is).
RANGES: dict[str, int | None] = {
    "1D": 1,
    "5D": 5,
    "1M": 31,
    "3M": 92,
    "6M": 183,
    "YTD": None,
    "1Y": 366,
    "2Y": 731,
    "5Y": 1827,
    "10Y": 3653,
    "MAX": None,
}
_DEFAULT_DAYS = {"1m": 5, "5m": 20, "15m": 40, "1h": 60, "1D": 3653, "1W": 3653, "1M": 7300}


def default_range_days(timeframe: str) -> int:
    """How far back ``get_market_data(symbol, timeframe)`` goes when no range is given."""
    if timeframe not in _DEFAULT_DAYS:
        raise ValueError(f"unknown timeframe '{timeframe}' (use one of {', '.join(TIMEFRAMES)})")
    return _DEFAULT_DAYS[timeframe]


def range_days(range_name: str) -> int | None:
    """Calendar days of a range name (``None`` = everything).

    Raises:
        ValueError: unknown range name.
    """
    key = range_name.upper()
    if key not in RANGES:
        raise ValueError(f"unknown range '{range_name}' (use one of {', '.join(RANGES)})")
    if key == "YTD":
        import datetime as dt

        today = dt.date.today()
        return (today - dt.date(today.year, 1, 1)).days + 1
    return RANGES[key]
