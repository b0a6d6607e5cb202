"""NYSE holidays and early closes against the exchange's published calendars."""

from __future__ import annotations

from datetime import date

import pytest

from naetra_tui.core.exchange_calendar import easter_sunday, is_nyse_holiday, nyse_early_close, nyse_holidays

PUBLISHED = {
    2024: ["01-01", "01-15", "02-19", "03-29", "05-27", "06-19", "07-04", "09-02", "11-28", "12-25"],
    2025: ["01-01", "01-20", "02-17", "04-18", "05-26", "06-19", "07-04", "09-01", "11-27", "12-25"],
    2026: ["01-01", "01-19", "02-16", "04-03", "05-25", "06-19", "07-03", "09-07", "11-26", "12-25"],
    2027: ["01-01", "01-18", "02-15", "03-26", "05-31", "06-18", "07-05", "09-06", "11-25", "12-24"],
    2021: ["01-01", "01-18", "02-15", "04-02", "05-31", "07-05", "09-06", "11-25", "12-24"],
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_holidays_match_the_published_calendar(year: int) -> None:
    expected = {date.fromisoformat(f"{year}-{day}") for day in PUBLISHED[year]}
    assert nyse_holidays(year) == expected


def test_a_saturday_new_years_day_leaves_the_friday_before_open() -> None:
    assert date(2022, 1, 1).weekday() == 5
    assert not is_nyse_holiday(date(2021, 12, 31))
    assert date(2022, 1, 1) not in nyse_holidays(2022)


def test_juneteenth_only_from_2022() -> None:
    assert not is_nyse_holiday(date(2021, 6, 18)) and not is_nyse_holiday(date(2021, 6, 21))
    assert is_nyse_holiday(date(2022, 6, 20))  # the Sunday moved to Monday


@pytest.mark.parametrize(
    ("year", "easter"), [(2024, "03-31"), (2025, "04-20"), (2026, "04-05"), (2027, "03-28"), (2038, "04-25")]
)
def test_easter(year: int, easter: str) -> None:
    assert easter_sunday(year) == date.fromisoformat(f"{year}-{easter}")


@pytest.mark.parametrize(
    ("day", "early"),
    [
        ("2026-11-27", True),  # the day after Thanksgiving
        ("2025-12-24", True),  # Christmas Eve
        ("2025-07-03", True),  # the day before a Friday Independence Day
        ("2026-07-03", False),  # itself the holiday (July 4th is a Saturday)
        ("2027-12-24", False),  # itself the holiday (Christmas is a Saturday)
        ("2026-11-25", False),
        ("2026-11-28", False),  # a Saturday
    ],
)
def test_early_closes(day: str, early: bool) -> None:
    assert nyse_early_close(date.fromisoformat(day)) is early
