"""The alert book's timing (#36): once-only and repeating alerts with a cooldown, expiry, and a
clock that jumps (a suspended laptop wakes: one event, not a backlog; a clock set back re-arms
rather than silencing an alert for as long as it was set back); an alert whose symbol has no
quote now is not checked on yesterday's close."""

from __future__ import annotations

from datetime import UTC, datetime

from naetra_tui.builtin.storage.memory import MemoryStorage
from naetra_tui.core.models import Quote
from naetra_tui.services.alerts import AlertBook
from naetra_tui.services.state import AppState


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def book_with(clock: Clock) -> AlertBook:
    storage = MemoryStorage()
    await storage.initialize({})
    return AlertBook(AppState(storage), clock=clock)


QUOTE = Quote(
    symbol="AAPL", price=300.0, previous_close=290.0, source="t", as_of=datetime(2027, 1, 15, tzinfo=UTC)
)


async def test_once_fires_once_and_repeat_waits_for_its_cooldown() -> None:
    clock = Clock()
    book = await book_with(clock)
    once = await book.add("AAPL", "price > 250")
    again = await book.add("AAPL", "price > 250", cooldown=3600)
    fired = [e.alert_id for e in await book.check(lambda s: QUOTE)]
    assert fired == [once.id, again.id] and not once.active and again.active
    clock.now += 600
    assert await book.check(lambda s: QUOTE) == []
    clock.now += 3000
    assert [e.alert_id for e in await book.check(lambda s: QUOTE)] == [again.id]
    log = await book.log()
    assert sorted(e.alert_id for e in log) == sorted([once.id, again.id, again.id])


async def test_a_laptop_that_wakes_fires_once_and_a_clock_set_back_re_arms() -> None:
    clock = Clock()
    book = await book_with(clock)
    alert = await book.add("AAPL", "price > 250", cooldown=3600)
    await book.check(lambda s: QUOTE)
    clock.now += 3 * 86400  # suspended for three days
    assert len(await book.check(lambda s: QUOTE)) == 1  # one event on waking, not 72
    assert len(await book.check(lambda s: QUOTE)) == 0
    clock.now -= 2 * 86400  # the clock is set back two days (a bad RTC, then NTP)
    assert len(await book.check(lambda s: QUOTE)) == 1  # re-armed, not silent for two days
    assert alert.fired_at == clock.now


async def test_an_expired_alert_stops_and_says_so() -> None:
    clock = Clock()
    book = await book_with(clock)
    alert = await book.add("AAPL", "price > 1000", expires_at=clock.now + 60)
    assert await book.check(lambda s: QUOTE) == []
    clock.now += 61
    assert await book.check(lambda s: QUOTE) == []
    assert not alert.active and alert.note == "expired"
    stored = {r["id"]: r for r in await book.state.alerts()}
    assert stored[alert.id]["active"] is False and stored[alert.id]["note"] == "expired"


async def test_no_quote_now_means_not_checked() -> None:
    book = await book_with(Clock())
    alert = await book.add("AAPL", "price > 1")
    assert await book.check(lambda s: None) == [] and alert.active


async def test_the_log_keeps_the_newest_firings_only(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from naetra_tui.services.alerts import book as book_module

    monkeypatch.setattr(book_module, "MAX_LOG", 3)
    clock = Clock()
    book = await book_with(clock)
    await book.add("AAPL", "price > 250", cooldown=60)
    fired = []
    for _ in range(5):
        fired += await book.check(lambda s: QUOTE)
        clock.now += 61
    log = await book.log()
    assert len(fired) == 5 and [e.id for e in log] == [e.id for e in fired[-3:]][::-1]
