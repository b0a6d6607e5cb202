"""Fired alerts reach their notifiers (#36): all at once, each bounded by its timeout, a failure
retried once; what each did is recorded in the event and the log; one that hangs or fails never
stops the others; an alert may name its notifiers; hostile text is delivered as text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from naetra_tui.config import load_config
from naetra_tui.services.session import Phase, Session, session_for
from tests.conftest import write
from tests.fixtures.fake_notifiers import RECEIVED, FlakyNotifier, HangingNotifier

FAKE = "tests.fixtures.fake_notifiers"


def config(tmp_path: Path, notifiers: str) -> Path:
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\n  llm: none\n  plugin_timeout: 5\nplugins:\n"
        "  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n"
        f"  notifiers:\n{notifiers}",
    )


@pytest.fixture(autouse=True)
def fresh() -> None:
    RECEIVED.clear()
    FlakyNotifier.calls = 0
    HangingNotifier.release.clear()


async def fire(session: Session, symbol: str = "AAPL") -> list:  # type: ignore[type-arg]
    rows = await session.market.refresh([symbol])
    return await session.alerts.check(lambda s: rows[s].quote if s in rows else None)


async def test_a_hanging_or_failing_notifier_never_stops_the_others(tmp_path: Path) -> None:
    notifiers = (
        f"    - {{name: first, class: {FAKE}.RecordingNotifier, config: {{label: first}}}}\n"
        f"    - {{name: hanging, class: {FAKE}.HangingNotifier}}\n"
        f"    - {{name: broken, class: {FAKE}.BrokenNotifier}}\n"
        f"    - {{name: flaky, class: {FAKE}.FlakyNotifier}}\n"
    )
    try:
        async with session_for(load_config(config(tmp_path, notifiers)), Phase.ALL) as session:
            alert = await session.alerts.add("AAPL", "price > 1")
            started = time.monotonic()
            events = await fire(session)
            took = time.monotonic() - started
            log = await session.alerts.log()
    finally:
        HangingNotifier.release.set()
    assert len(events) == 1 and took < 8  # the timeout and one retry, not the hanging plugin
    deliveries = events[0].deliveries
    assert deliveries == {
        "first": "delivered",
        "hanging": "timed out after 0.5 s",
        "broken": "failed: the service is down (tried twice)",
        "flaky": "delivered",  # failed once, retried
    }
    assert [n.symbol for n in RECEIVED["first"]] == ["AAPL"] and len(RECEIVED["flaky"]) == 1
    notice = RECEIVED["first"][0]
    assert notice.alert_id == alert.id and notice.simulated and "SIMULATED" in notice.title
    assert notice.message.startswith("AAPL: price > 1 (price ") and notice.values["price"] > 1
    assert [e.id for e in log] == [events[0].id] and log[0].deliveries == deliveries
    assert not session.alerts.find(alert.id).active  # type: ignore[union-attr]  # once, then re-arm


async def test_an_alert_names_its_notifiers_and_unknown_or_off_ones_are_said(tmp_path: Path) -> None:
    notifiers = (
        f"    - {{name: a, class: {FAKE}.RecordingNotifier, config: {{label: a}}}}\n"
        f"    - {{name: b, class: {FAKE}.RecordingNotifier, config: {{label: b}}}}\n"
        f"    - {{name: muted, class: {FAKE}.RecordingNotifier, enabled: false}}\n"
    )
    async with session_for(load_config(config(tmp_path, notifiers)), Phase.ALL) as session:
        await session.alerts.add("AAPL", "price > 1", notify=("b", "muted", "nosuch"))
        events = await fire(session)
    assert events[0].deliveries == {
        "b": "delivered",
        "muted": "not delivered: the notifier is switched off or failed to start",
        "nosuch": "not delivered: no notifier of that name is configured",
    }
    assert "a" not in RECEIVED and len(RECEIVED["b"]) == 1


async def test_a_config_without_notifiers_still_shows_alerts_in_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "old.yaml",
        "app:\n  storage: sqlite\n  llm: none\nplugins:\n"
        "  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )
    async with session_for(load_config(path), Phase.ALL) as session:
        await session.alerts.add("AAPL", "price > 1")
        events = await fire(session)
    assert events[0].deliveries == {"terminal": "delivered"}
    assert "\aALERT AAPL: price > 1 (price " in capsys.readouterr().out


async def test_stored_records_are_read_defensively(tmp_path: Path) -> None:
    """Another terminal, an older version or a hostile journal wrote these: the readable ones
    load (the first alert format as rules), the rest are listed with why and left alone."""
    notifiers = f"    - {{name: a, class: {FAKE}.RecordingNotifier, config: {{label: a}}}}\n"
    async with session_for(load_config(config(tmp_path, notifiers)), Phase.ALL) as session:
        state = session.state
        await state.save_alert("old1", {"symbol": "AAPL", "kind": "price", "op": ">", "value": 1})
        await state.save_alert("old2", {"symbol": "AAPL", "kind": "macd", "op": "up", "value": None})
        await state.save_alert("evil\x1b[31m", {"symbol": "AAPL", "rule": "price > 1"})
        await state.save_alert("bad", {"symbol": "AAPL", "rule": "price >>> 3"})
        await state.save_alert("yes", {"symbol": "AAPL", "rule": "price > 1", "active": "no"})
        await session.alerts.load()
        book = session.alerts
        assert {a.id: a.rule for a in book.alerts} == {
            "old1": "price > 1",
            "old2": "macd cross above macd_signal",
        }
        assert set(book.unreadable) == {"evil\x1b[31m", "bad", "yes"}
        assert "not one naetra-tui writes" in book.unreadable["evil\x1b[31m"]
        assert "'active' is not true or false" in book.unreadable["yes"]
        await fire(session)
        assert await state.alerts() and len(await state.alerts()) == 5  # nothing dropped
    assert [n.alert_id for n in RECEIVED["a"]] == ["old1"]
