"""The simulated feed's exchange days and hours, from ``exchange-calendars`` (each exchange's
own holidays, early closes and hours in its own time zone — Tokyo opens at 09:00 JST, London
at 08:00 London time — instead of one hand-written New York calendar for every market).

A calendar is built once per exchange, when a symbol of it is first asked for (about 0.1 s),
and kept as a table of sessions. Days the library does not cover (before its first session,
after its last) fall back to weekdays at the exchange's usual hours.
"""

from __future__ import annotations

import logging
import threading
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import numpy as np

log = logging.getLogger(__name__)
FIRST_DAY = "2004-01-01"
LAST_DAY = "2040-12-31"
_lock = threading.Lock()


@dataclass(frozen=True)
class Sessions:
    """One exchange's sessions: day -> (open, close) in UTC."""

    name: str
    by_day: dict[date, tuple[datetime, datetime]]
    first: date
    last: date
    usual_open: timedelta  # the usual open and close as offsets from the day's UTC midnight,
    usual_close: timedelta  # for the days outside the table

    def session(self, day: date) -> tuple[datetime, datetime] | None:
        if self.first <= day <= self.last:
            return self.by_day.get(day)
        if day.weekday() >= 5:
            return None
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return midnight + self.usual_open, midnight + self.usual_close

    def is_trading_day(self, day: date) -> bool:
        return self.session(day) is not None


def _build(name: str) -> Sessions | None:
    with warnings.catch_warnings():  # the library's pandas deprecations are not the user's business
        warnings.simplefilter("ignore")
        import exchange_calendars as xcals

        try:
            calendar = xcals.get_calendar(name, start=FIRST_DAY, end=LAST_DAY)
        except ValueError:  # holidays recorded for fewer years: take what the library has
            try:
                calendar = xcals.get_calendar(name)
            except Exception as exc:
                log.warning("no calendar for %s (%s): weekdays are used", name, exc)
                return None
        schedule = calendar.schedule
    by_day = {
        stamp.date(): (open_.to_pydatetime(), close.to_pydatetime())
        for stamp, open_, close in zip(schedule.index, schedule["open"], schedule["close"], strict=True)
    }
    middle = schedule.iloc[len(schedule) // 2]
    midnight = middle.name.tz_localize(UTC) if middle.name.tzinfo is None else middle.name
    return Sessions(
        name,
        by_day,
        min(by_day),
        max(by_day),
        middle["open"].to_pydatetime() - midnight.to_pydatetime(),
        middle["close"].to_pydatetime() - midnight.to_pydatetime(),
    )


@lru_cache(maxsize=64)
def sessions(name: str) -> Sessions | None:
    """The sessions of exchange ``name`` (ISO 10383, e.g. XNYS), or None if the library has none."""
    with _lock:  # quotes and histories run in threads: one build per exchange
        return _build(name)


@lru_cache(maxsize=64)
def trading_days(name: str | None, weekends: bool, last_day: date, first_day: date) -> np.ndarray:
    """The days a market trades, ``first_day`` through ``last_day`` (read-only, shared)."""
    all_days = np.arange(np.datetime64(first_day), np.datetime64(last_day) + 1, dtype="datetime64[D]")
    weekday = (all_days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3)
    days = all_days if weekends else all_days[weekday < 5]
    calendar = sessions(name) if name else None
    if calendar is not None:
        inside = (days >= np.datetime64(calendar.first)) & (days <= np.datetime64(calendar.last))
        known = np.array(sorted(calendar.by_day), dtype="datetime64[D]")
        days = np.union1d(days[~inside], known[(known >= all_days[0]) & (known <= all_days[-1])])
    days.setflags(write=False)
    return days
