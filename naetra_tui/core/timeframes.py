"""Bar sizes, ranges and resampling of column arrays."""

from __future__ import annotations

import numpy as np

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


def _aggregate(keys: np.ndarray, stamps, o, h, low, c, v):
    """OHLCV per run of equal ``keys`` (input sorted by time)."""
    if not len(keys):
        return stamps, o, h, low, c, v
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    ends = np.append(starts[1:], len(keys)) - 1
    return (
        stamps[starts],
        o[starts],
        np.maximum.reduceat(h, starts),
        np.minimum.reduceat(low, starts),
        c[ends],
        np.add.reduceat(v, starts),
    )


def resample_bars(stamps, o, h, low, c, v, size: np.timedelta64):
    """Aggregate bars into fixed-size buckets (e.g. 1-minute into 5-minute)."""
    seconds = stamps.astype("datetime64[s]").astype(np.int64)
    step = int(size / np.timedelta64(1, "s"))
    keys = seconds // step
    out = _aggregate(keys, stamps, o, h, low, c, v)
    bucket_starts = (
        (keys[np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))] * step).astype("datetime64[s]")
        if len(keys)
        else out[0]
    )
    return (bucket_starts, *out[1:])


def resample_calendar(stamps, o, h, low, c, v, timeframe: str):
    """Daily bars into weekly (``1W``, weeks starting Monday) or monthly (``1M``) bars."""
    days = stamps.astype("datetime64[D]")
    if timeframe == "1W":
        keys = (days.astype(np.int64) + 3) // 7  # 1970-01-01 was a Thursday
    elif timeframe == "1M":
        keys = days.astype("datetime64[M]").astype(np.int64)
    else:
        raise ValueError(f"calendar resampling needs 1W or 1M, not {timeframe}")
    return _aggregate(keys, stamps, o, h, low, c, v)
