"""The New York Stock Exchange's holidays and early closes, by the exchange's standing rules.

Used where the app has to know the US equity session itself (the offline simulated feed); a
live source reports the market state it sees. Closures announced one at a time (a national
day of mourning, a storm) follow no rule and are not here.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

SATURDAY, SUNDAY = 5, 6


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous algorithm, as in Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (0 = Monday) of the month; n = -1 for the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    """A fixed-date holiday on a weekend moves to Friday or Monday."""
    if day.weekday() == SATURDAY:
        return day - timedelta(days=1)
    if day.weekday() == SUNDAY:
        return day + timedelta(days=1)
    return day


@lru_cache(maxsize=64)
def nyse_holidays(year: int) -> frozenset[date]:
    """Days of ``year`` the exchange is closed on a weekday."""
    days: list[date | None] = [
        # New Year's Day on a Saturday is not moved to the Friday before (the last trading
        # day of the year stays open)
        None if date(year, 1, 1).weekday() == SATURDAY else _observed(date(year, 1, 1)),
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        easter_sunday(year) - timedelta(days=2),  # Good Friday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _observed(date(year, 6, 19)) if year >= 2022 else None,  # Juneteenth
        _observed(date(year, 7, 4)),  # Independence Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        _observed(date(year, 12, 25)),  # Christmas
    ]
    return frozenset(d for d in days if d is not None)


def is_nyse_holiday(day: date) -> bool:
    return day in nyse_holidays(day.year)


def nyse_early_close(day: date) -> bool:
    """Closes at 13:00 New York: the day after Thanksgiving, Christmas Eve, and July 3rd when
    Independence Day falls on a weekday after it."""
    if day.weekday() >= SATURDAY or is_nyse_holiday(day):
        return False
    if day == _nth_weekday(day.year, 11, 3, 4) + timedelta(days=1):
        return True
    if (day.month, day.day) == (12, 24):
        return True
    return (day.month, day.day) == (7, 3) and date(day.year, 7, 4).weekday() < SATURDAY
