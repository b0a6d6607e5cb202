"""Several portfolios (#35): lots belong to a named portfolio (Main by default, and every lot
stored before there were several reads as Main without a rewrite); each is valued and sold from
on its own, all together on request; from the shell with --portfolio and `portfolio list`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from naetra_tui.cli import main
from naetra_tui.config import load_config
from naetra_tui.core.portfolio import InvalidLot, Lot, check_portfolio_name
from naetra_tui.core.sales import InvalidSale
from naetra_tui.services.session import Phase, session_for
from tests.conftest import offline_config


def config(tmp_path: Path) -> Path:
    return offline_config(tmp_path)


def test_a_lot_stored_before_portfolios_reads_as_main_and_names_are_checked() -> None:
    old = {"symbol": "AAPL", "quantity": 3, "price": 100, "opened": "2024-01-02", "id": "abc"}
    assert Lot.from_record(old).portfolio == "Main"
    assert Lot.from_record({**old, "portfolio": "Growth"}).portfolio == "Growth"
    for bad in ("", "x" * 41, "a/b", "all", "bad\x1b[31m"):
        with pytest.raises(InvalidLot, match="cannot name a portfolio"):
            check_portfolio_name(bad)
    with pytest.raises(InvalidLot):
        Lot.from_record({**old, "portfolio": "../../etc"})


async def test_two_portfolios_are_kept_apart_valued_apart_and_sold_from_apart(tmp_path: Path) -> None:
    loaded = load_config(config(tmp_path))
    async with session_for(loaded, Phase.MARKET) as session:
        service = session.portfolio
        await service.add([Lot("AAPL", 10, 100.0, date(2025, 1, 2), currency="USD")])
        service.switch("Growth")
        await service.add([Lot("AAPL", 4, 150.0, date(2025, 2, 3), currency="USD"),
                           Lot("MSFT", 2, 300.0, date(2025, 2, 3), currency="USD")])  # fmt: skip
        growth = await service.refresh()
        assert {(p.symbol, p.quantity) for p in growth.positions} == {("AAPL", 4), ("MSFT", 2)}
        plan = await service.sell("AAPL", 4, 200.0, date(2025, 6, 1))
        assert plan.realised == pytest.approx(4 * (200 - 150))  # Growth's lot, not Main's older one
        service.switch("Main")
        main_value = await service.refresh()
        assert [(p.symbol, p.quantity) for p in main_value.positions if p.lots] == [("AAPL", 10)]
        service.switch("all")
        together = await service.refresh()
        assert {(p.symbol, p.quantity) for p in together.positions if p.lots} == {("AAPL", 10), ("MSFT", 2)}
        with pytest.raises(InvalidSale, match="choose the portfolio to sell from"):
            await service.sell("AAPL", 1, 200.0)
        assert service.portfolios() == ["Main", "Growth"]


def test_portfolios_from_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(config(tmp_path))
    assert main(["--config", path, "portfolio", "add", "AAPL", "10", "100", "--currency", "USD"]) == 0
    assert main(["--config", path, "portfolio", "add", "MSFT", "2", "300", "--currency", "USD",
                 "--portfolio", "Growth"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["--config", path, "portfolio", "--portfolio", "Growth", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["portfolio"] == "Growth" and [p["symbol"] for p in shown["positions"]] == ["MSFT"]
    assert main(["--config", path, "portfolio", "--json"]) == 0
    assert [p["symbol"] for p in json.loads(capsys.readouterr().out)["positions"]] == ["AAPL"]
    assert main(["--config", path, "portfolio", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == ["Main", "Growth", "All"]
    assert "2 positions" in listed[2] and "1 position " in listed[0]
    assert main(["--config", path, "portfolio", "--portfolio", "a/b"]) == 2
    assert "cannot name a portfolio" in capsys.readouterr().err
