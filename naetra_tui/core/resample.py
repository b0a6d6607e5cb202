"""Resampling OHLCV column arrays to a coarser bar size (numpy)."""

from __future__ import annotations

import numpy as np

Arr = np.ndarray
Bars = tuple[Arr, Arr, Arr, Arr, Arr, Arr]


def _aggregate(keys: Arr, stamps: Arr, o: Arr, h: Arr, low: Arr, c: Arr, v: Arr) -> Bars:
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


def resample_bars(stamps: Arr, o: Arr, h: Arr, low: Arr, c: Arr, v: Arr, size: np.timedelta64) -> Bars:
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


def resample_calendar(stamps: Arr, o: Arr, h: Arr, low: Arr, c: Arr, v: Arr, timeframe: str) -> Bars:
    """Daily bars into weekly (``1W``, weeks starting Monday) or monthly (``1M``) bars."""
    days = stamps.astype("datetime64[D]")
    if timeframe == "1W":
        keys = (days.astype(np.int64) + 3) // 7  # 1970-01-01 was a Thursday
    elif timeframe == "1M":
        keys = days.astype("datetime64[M]").astype(np.int64)
    else:
        raise ValueError(f"calendar resampling needs 1W or 1M, not {timeframe}")
    return _aggregate(keys, stamps, o, h, low, c, v)
