"""Selling part of a position (#35): FIFO and average cost against hand-computed figures (the
expected numbers are worked out in the test, not taken from the code); the faults a sale can
meet; and two terminals selling the same lot at once — one wins, the other is told, nothing is
doubled or lost."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from naetra_tui.config import load_config
from naetra_tui.core.portfolio import Lot
from naetra_tui.core.sales import InvalidSale, plan_sale
from naetra_tui.services.portfolio.store import LotChanged
from naetra_tui.services.session import Phase, session_for
from tests.conftest import offline_config

OLD = Lot("AAPL", 10, 100.0, date(2025, 1, 10), fees=5.0, currency="USD")
NEW = Lot("AAPL", 10, 120.0, date(2025, 3, 1), fees=5.0, currency="USD")


def test_fifo_takes_the_oldest_lot_first_and_splits_the_next() -> None:
    plan = plan_sale([NEW, OLD], "AAPL", 15, 150.0, date(2025, 6, 1), fees=3.0)
    # the old lot whole: 10 x (150 - 100) - its 5 of fees - 10/15 of the sale's 3
    old_realised = 10 * (150 - 100) - 5 - 3 * 10 / 15
    # 5 of the new lot: 5 x (150 - 120) - half its fees - 5/15 of the sale's fees
    new_realised = 5 * (150 - 120) - 5 * 5 / 10 - 3 * 5 / 15
    assert [c.lot.quantity for c in plan.closed] == [10, 5]
    assert plan.closed[0].realised == pytest.approx(old_realised)  # 493.0
    assert plan.closed[1].realised == pytest.approx(new_realised)  # 146.5
    assert plan.realised == pytest.approx(639.5)
    [rest] = plan.remainders
    assert (rest.quantity, rest.price, rest.fees, rest.opened) == (5, 120.0, 2.5, date(2025, 3, 1))
    assert set(plan.consumed) == {OLD, NEW} and plan.closed[0].lot is OLD


def test_average_cost_takes_a_share_of_every_lot() -> None:
    plan = plan_sale([OLD, NEW], "AAPL", 15, 150.0, date(2025, 6, 1), fees=3.0, method="average")
    average = (10 * 100 + 10 * 120) / 20  # 110 a share
    lot_fees_sold = (5 + 5) * 15 / 20
    expected = 15 * (150 - average) - lot_fees_sold - 3  # 600 - 7.5 - 3
    assert plan.realised == pytest.approx(expected) and expected == pytest.approx(589.5)
    assert sorted(c.lot.quantity for c in plan.closed) == [7.5, 7.5]
    assert sorted((r.quantity, r.price) for r in plan.remainders) == [(2.5, 100.0), (2.5, 120.0)]


def test_what_a_sale_cannot_do_is_said() -> None:
    with pytest.raises(InvalidSale, match=r"cannot sell 25 AAPL: 20 held; a short sale needs --allow-short"):
        plan_sale([OLD, NEW], "AAPL", 25, 150.0, date(2025, 6, 1))
    with pytest.raises(InvalidSale, match=r"10 held on 2025-02-01 \(10 more were bought after 2025-02-01\)"):
        plan_sale([OLD, NEW], "AAPL", 15, 150.0, date(2025, 2, 1))  # before the second lot
    for quantity, price, fees, said in ((float("nan"), 1.0, 0.0, "quantity"), (0, 1.0, 0.0, "quantity"),
                                        (1, -1.0, 0.0, "price"), (1, 1.0, float("inf"), "fees")):  # fmt: skip
        with pytest.raises(InvalidSale, match=said):
            plan_sale([OLD], "AAPL", quantity, price, date(2025, 6, 1), fees)
    with pytest.raises(InvalidSale, match="different currencies"):
        plan_sale(
            [OLD, Lot("AAPL", 1, 90.0, date(2025, 1, 1), currency="EUR")], "AAPL", 1, 150.0, date(2025, 6, 1)
        )
    with pytest.raises(InvalidSale, match="use fifo or average"):
        plan_sale([OLD], "AAPL", 1, 150.0, date(2025, 6, 1), method="lifo")  # type: ignore[arg-type]


def test_a_short_is_opened_only_when_allowed() -> None:
    plan = plan_sale([OLD, NEW], "AAPL", 25, 150.0, date(2025, 6, 1), fees=5.0, allow_short=True)
    assert plan.short is not None and plan.short.quantity == -5 and plan.short.price == 150.0
    assert plan.short.fees == pytest.approx(1.0) and sum(c.lot.quantity for c in plan.closed) == 20


def config(tmp_path: Path) -> Path:
    return offline_config(tmp_path)


async def test_a_stored_sale_closes_parts_keeps_remainders_and_survives_a_restart(tmp_path: Path) -> None:
    loaded = load_config(config(tmp_path))
    async with session_for(loaded, Phase.MARKET) as session:
        await session.portfolio.store.add([OLD, NEW])
        plan = await session.portfolio.sell("aapl", 15, 150.0, date(2025, 6, 1), fees=3.0)
        assert plan.realised == pytest.approx(639.5)
    async with session_for(loaded, Phase.MARKET) as again:
        await again.portfolio.load()
        assert [(lot.quantity, lot.price) for lot in again.portfolio.lots] == [(5, 120.0)]
        assert sorted(c.lot.quantity for c in again.portfolio.closed) == [5, 10]
        assert sum(c.realised for c in again.portfolio.closed) == pytest.approx(639.5)


async def test_two_terminals_selling_the_same_lot_one_wins_the_other_is_told(tmp_path: Path) -> None:
    loaded = load_config(config(tmp_path))
    async with session_for(loaded, Phase.MARKET) as first, session_for(loaded, Phase.MARKET) as second:
        await first.portfolio.store.add([OLD])
        lots = await second.portfolio.store.lots()
        plan_a = plan_sale(lots, "AAPL", 4, 150.0, date(2025, 6, 1))  # both read the lot, then both sell
        plan_b = plan_sale(lots, "AAPL", 6, 160.0, date(2025, 6, 1))
        await first.portfolio.store.sell(plan_a)
        with pytest.raises(LotChanged, match="sold, edited or removed in another terminal"):
            await second.portfolio.store.sell(plan_b)
        assert [lot.quantity for lot in await first.portfolio.store.lots()] == [6]  # A's remainder only
        assert [c.lot.quantity for c in await first.portfolio.store.closed()] == [4]  # B's part taken back


def test_portfolio_sell_from_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from naetra_tui.cli import main

    path = str(config(tmp_path))
    for quantity, price, day in (("10", "100", "2025-01-10"), ("10", "120", "2025-03-01")):
        assert main(["--config", path, "portfolio", "add", "AAPL", quantity, price, "--date", day, "--fees", "5",
                     "--currency", "USD"]) == 0  # fmt: skip
    capsys.readouterr()
    code = main(["--config", path, "portfolio", "sell", "AAPL", "25", "150", "--date", "2025-06-01"])
    assert code == 2 and "cannot sell 25 AAPL: 20 held" in capsys.readouterr().err
    code = main(["--config", path, "portfolio", "sell", "AAPL", "15", "150", "--date", "2025-06-01", "--fees", "3",
                 "--method", "average"])  # fmt: skip
    said = capsys.readouterr().out
    assert code == 0 and "sold 15 AAPL at 150 (average)" in said and "realised P&L +589.50 USD" in said
    code = main(["--config", path, "portfolio", "sell", "AAPL", "1", "150", "--date", "2999-01-01"])
    assert code == 2 and "date" in capsys.readouterr().err
    code = main(["--config", path, "portfolio", "--json"])
    positions = __import__("json").loads(capsys.readouterr().out)["positions"]
    assert [(p["symbol"], p["quantity"]) for p in positions] == [("AAPL", 5)]
