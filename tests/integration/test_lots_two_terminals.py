"""Two terminals on one storage edit the same lot (#31): the second change is refused and said,
and the lot never ends both sold and held. Real storages: a SQLite file (two connections, as two
processes have) and the machine's PostgreSQL."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from naetra_tui.builtin.storage.postgres import PostgresStorage
from naetra_tui.builtin.storage.sqlite import SQLiteStorage
from naetra_tui.core.portfolio import check_lot
from naetra_tui.services.portfolio.store import LotChanged, PortfolioStore
from naetra_tui.services.state import AppState

PG = os.environ.get("NAETRA_TEST_POSTGRES_DSN")


async def terminals(kind: str, tmp_path: Path) -> tuple[PortfolioStore, PortfolioStore, list[object]]:
    made = []
    for _ in range(2):
        if kind == "sqlite":
            storage: object = SQLiteStorage()
            await storage.initialize({"path": str(tmp_path / "shared.db")})  # type: ignore[attr-defined]
        else:
            if not PG:
                if os.environ.get("NAETRA_REQUIRE_SERVERS") == "1":
                    pytest.fail("NAETRA_TEST_POSTGRES_DSN is not set")
                pytest.skip("no PostgreSQL")
            storage = PostgresStorage()
            await storage.initialize({"dsn": PG, "table": f"lots_{os.getpid()}_{tmp_path.name[-8:]}"})  # type: ignore[attr-defined]
        made.append(storage)
    return PortfolioStore(AppState(made[0])), PortfolioStore(AppState(made[1])), made  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_a_close_and_an_edit_of_one_lot_cannot_both_win(tmp_path: Path, kind: str) -> None:
    first, second, storages = await terminals(kind, tmp_path)
    try:
        lot = check_lot("AAPL", 10, 200.0, "2026-01-05")
        await first.add([lot])
        seen_by_second = (await second.lots())[0]
        await first.close((await first.lots())[0], 250.0, date(2026, 3, 2))
        with pytest.raises(LotChanged, match="closed, edited or removed in another terminal"):
            await second.replace(seen_by_second, check_lot("AAPL", 12, 200.0, "2026-01-05"))
        assert await second.lots() == [] and len(await second.closed()) == 1  # sold once, not held

        other = check_lot("MSFT", 5, 400.0, "2026-01-05")
        await first.add([other])
        seen_by_first = next(x for x in await first.lots() if x.symbol == "MSFT")
        seen_by_second = next(x for x in await second.lots() if x.symbol == "MSFT")
        await second.replace(seen_by_second, check_lot("MSFT", 6, 400.0, "2026-01-05"))
        with pytest.raises(LotChanged):
            await first.close(seen_by_first, 420.0, date(2026, 3, 2))
        with pytest.raises(LotChanged):
            await first.remove(seen_by_first)
        held = [x for x in await first.lots() if x.symbol == "MSFT"]
        assert [x.quantity for x in held] == [6.0]  # the edit stands; nothing sold
        assert not [c for c in await first.closed() if c.lot.symbol == "MSFT"]
    finally:
        for storage in storages:
            if kind == "postgres":
                await storage.pool.execute(f"DROP TABLE IF EXISTS {storage.settings.table}")  # type: ignore[attr-defined]
            await storage.cleanup()  # type: ignore[attr-defined]
