"""Lots in storage (#23): one record per lot, so two terminals on one database keep each
other's lots; a refused write is kept and landed (the pending-write rules); a closed lot keeps
its realised P&L; a malformed record from another program is skipped and named, never fatal;
an edit is a new record, so a cached read never shows an old version."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from naetra_tui.builtin.storage.sqlite import SQLiteStorage
from naetra_tui.core.portfolio import Lot
from naetra_tui.services.pending import PendingWrites
from naetra_tui.services.portfolio.store import PortfolioStore
from naetra_tui.services.state import AppState
from tests.integration.test_pending_writes import FAST, eventually, fill_until_full, make_room


async def open_store(path: Path) -> tuple[SQLiteStorage, PortfolioStore]:
    storage = SQLiteStorage()
    await storage.initialize({"path": str(path)})
    return storage, PortfolioStore(AppState(storage))


async def test_two_terminals_keep_each_others_lots_and_closes(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    (sa, a), (sb, b) = await open_store(db), await open_store(db)
    try:
        aapl = Lot("AAPL", 10, 100, date(2026, 1, 2), 1.0)
        await a.add([aapl])
        await b.add([Lot("MSFT", 2, 300, date(2026, 1, 3))])
        assert [x.symbol for x in await a.lots()] == ["AAPL", "MSFT"]
        assert await b.lots() == await a.lots()  # the same lots, ids, dates and fees
        closed = await b.close(aapl, 120, date(2026, 3, 1), fees=1.0)
        assert closed.realised == pytest.approx(198)  # 10 * 20 - 1 - 1
        assert [x.symbol for x in await a.lots()] == ["MSFT"]  # a's cache drops what b closed
        assert [c.realised for c in await a.closed()] == [pytest.approx(198)]
        msft = (await a.lots())[0]
        edited = await a.replace(msft, Lot("MSFT", 3, 300, msft.opened))
        assert edited.id != msft.id
        assert [(x.quantity, x.id) for x in await b.lots()] == [(3, edited.id)]
    finally:
        await sa.cleanup()
        await sb.cleanup()


async def test_a_malformed_record_is_skipped_and_named(tmp_path: Path) -> None:
    storage, store = await open_store(tmp_path / "s.db")
    try:
        await store.add([Lot("AAPL", 1, 100, date(2026, 1, 2))])
        await storage.store(
            "portfolio/lots/MSFT/bad1", {"v": 1, "lot": {"symbol": "MSFT", "quantity": "lots"}}
        )
        await storage.store("portfolio/lots/NVDA/bad2", "not a record")
        bad3 = {"v": 1, "lot": {"symbol": "AMD", "quantity": "lots", "price": 1}}
        await storage.store("portfolio/lots/AMD/bad3", bad3)
        assert [x.symbol for x in await store.lots()] == ["AAPL"]
        assert store.skipped == {
            "portfolio/lots/MSFT/bad1": "record: has no price",
            "portfolio/lots/NVDA/bad2": "record: is not a lot",
            "portfolio/lots/AMD/bad3": "quantity: 'lots' is not a number",
        }
    finally:
        await storage.cleanup()


async def test_a_full_database_keeps_the_lots_and_lands_them_all(tmp_path: Path) -> None:
    storage = SQLiteStorage()
    await storage.initialize({"path": str(tmp_path / "s.db")})
    pending = PendingWrites(storage, tmp_path / "state" / "pending.json", delays=FAST)
    store = PortfolioStore(AppState(pending))
    try:
        await fill_until_full(storage)
        lots = [Lot(f"S{i}", i + 1, 10, date(2026, 1, 2)) for i in range(5)]
        await store.add(lots)  # refused as one batch: kept, not raised
        assert pending.unsaved == 5
        assert [x.symbol for x in await store.lots()] == [f"S{i}" for i in range(5)]  # still on screen
        await make_room(storage)

        async def landed() -> bool:
            return pending.unsaved == 0 and len(await storage.keys("portfolio/lots/")) == 5

        await eventually(landed)
        fresh = PortfolioStore(AppState(storage))
        assert sorted(x.quantity for x in await fresh.lots()) == [1, 2, 3, 4, 5]
    finally:
        await pending.close()
        await storage.cleanup()
