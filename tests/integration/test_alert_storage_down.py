"""An alert fires while the storage refuses writes (#36): it is still delivered, its fired state
and its log entry are kept (the pending-write journal) and land when the storage takes writes
again — nothing lost, and it does not fire a second time meanwhile."""

from __future__ import annotations

from pathlib import Path

from naetra_tui.config import load_config
from naetra_tui.services.session import Phase, session_for
from tests.conftest import write
from tests.fixtures.fake_notifiers import RECEIVED
from tests.integration.test_pending_writes import eventually, fill_until_full, make_room


async def test_an_alert_firing_while_the_storage_is_full_is_delivered_kept_and_landed(tmp_path: Path) -> None:
    RECEIVED.clear()
    path = write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\n  llm: none\nplugins:\n"
        "  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n"
        "  notifiers:\n    - {name: rec, class: tests.fixtures.fake_notifiers.RecordingNotifier, config: {label: rec}}\n",
    )
    async with session_for(load_config(path), Phase.ALL) as session:
        alert = await session.alerts.add("AAPL", "price > 1")
        storage = session.storage.storage
        await fill_until_full(storage)  # type: ignore[arg-type]  # writes are refused from here
        rows = await session.market.refresh(["AAPL"])
        events = await session.alerts.check(lambda s: rows[s].quote if s in rows else None)
        assert len(events) == 1 and len(RECEIVED["rec"]) == 1  # delivered all the same
        assert await session.alerts.check(lambda s: rows[s].quote if s in rows else None) == []
        pending = session.storage.pending
        assert pending is not None and pending.unsaved  # kept, not lost
        await make_room(storage)  # type: ignore[arg-type]

        async def landed() -> bool:
            stored = await storage.retrieve(f"alerts/{alert.id}")
            logged = await storage.keys("alerts-log/")
            return bool(stored) and stored.get("active") is False and len(logged) == 1

        await eventually(landed)
    assert len(RECEIVED["rec"]) == 1
