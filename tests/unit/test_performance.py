"""Portfolio performance (#35) against figures worked out here, not by the code under test: a
deposit mid-period where the time-weighted and money-weighted returns differ (XIRR by our own
bisection of the cash-flow equation), a partial history (INCOMPLETE, never lower), a pence
holding, the benchmark rebased to the start, realised P&L by year, and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from naetra_tui.config import load_config
from naetra_tui.core import clock
from naetra_tui.core.portfolio import Lot
from naetra_tui.services.portfolio.performance import PerformanceService
from naetra_tui.services.session import Phase, session_for
from tests.conftest import write
from tests.fixtures.fake_plugins import FixedHistoryCollector

D = [date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3), date(2026, 6, 4)]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    clock.freeze(datetime.fromisoformat("2026-06-04T20:00:00+00:00"))
    FixedHistoryCollector.CLOSES = {
        "XYZ": list(zip(D, [100.0, 110.0, 121.0, 110.0], strict=True)),
        "^GSPC": list(zip(D, [5000.0, 5050.0, 5100.0, 5000.0], strict=True)),
    }
    FixedHistoryCollector.CURRENCY = {}
    yield
    clock.freeze(None)


def config(tmp_path: Path) -> Path:
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\n  llm: none\nplugins:\n"
        "  data_collectors:\n    - {name: fixed, class: tests.fixtures.fake_plugins.FixedHistoryCollector}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


def xirr_by_bisection(flows: list[tuple[date, float]]) -> float:
    """The rate r with sum(a / (1 + r) ** (days / 365)) == 0, found by halving: a spreadsheet's XIRR."""
    start = flows[0][0]

    def npv(rate: float) -> float:
        return sum(a / (1 + rate) ** ((d - start).days / 365) for d, a in flows)

    low, high = -0.9999, 10.0
    for _ in range(200):
        mid = (low + high) / 2
        if npv(low) * npv(mid) <= 0:
            high = mid
        else:
            low = mid
    return (low + high) / 2


async def test_a_deposit_mid_period_time_and_money_weighted_returns_differ(tmp_path: Path) -> None:
    async with session_for(load_config(config(tmp_path)), Phase.MARKET) as session:
        await session.portfolio.store.add([Lot("XYZ", 10, 100.0, D[0], currency="USD"),
                                           Lot("XYZ", 10, 121.0, D[2], currency="USD")])  # fmt: skip
        await session.portfolio.load()
        report = await PerformanceService(session.portfolio, session.market).report("ALL")
    # values: 1000, 1100, 20 x 121 = 2420, 20 x 110 = 2200; money in: 1000 on day 0, 1210 on day 2
    assert report.value == pytest.approx([1000, 1100, 2420, 2200])
    assert report.invested == pytest.approx([1000, 1000, 2210, 2210])
    # daily returns: 1100/1000 - 1, (2420 - 1210)/1100 - 1, 2200/2420 - 1: 1.1 x 1.1 x 0.90909 - 1
    assert report.twr == pytest.approx(1.1 * 1.1 * (2200 / 2420) - 1) and report.twr == pytest.approx(0.10)
    expected_xirr = xirr_by_bisection([(D[0], -1000.0), (D[2], -1210.0), (D[3], 2200.0)])
    assert report.xirr == pytest.approx(expected_xirr, rel=1e-6) and report.xirr < 0 < report.twr
    assert report.benchmark == pytest.approx([1000, 1010, 1020, 1000])  # ^GSPC rebased to 1000
    assert report.benchmark_return == pytest.approx(0.0)
    assert report.drawdown is not None and report.drawdown.peak == D[2] and report.drawdown.trough == D[3]
    assert report.drawdown.depth == pytest.approx(2200 / 2420 - 1)
    assert not report.incomplete and report.carried_forward == 0


async def test_a_history_that_starts_after_the_lot_is_incomplete_not_lower(tmp_path: Path) -> None:
    FixedHistoryCollector.CLOSES["NEW"] = [(D[2], 50.0), (D[3], 55.0)]
    async with session_for(load_config(config(tmp_path)), Phase.MARKET) as session:
        await session.portfolio.store.add([Lot("XYZ", 1, 100.0, D[0], currency="USD"),
                                           Lot("NEW", 2, 40.0, D[0], currency="USD")])  # fmt: skip
        await session.portfolio.load()
        report = await PerformanceService(session.portfolio, session.market).report("ALL")
    assert any(
        "NEW: no price or rate on 2 day(s) it was held, from 2026-06-01" in w for w in report.incomplete
    )
    assert report.value[-1] == pytest.approx(110 + 2 * 55)


async def test_pence_realised_by_year_and_a_missing_rate(tmp_path: Path) -> None:
    FixedHistoryCollector.CLOSES["VOD.L"] = list(
        zip(D, [7000.0, 7100.0, 7200.0, 7300.0], strict=True)
    )  # pence
    FixedHistoryCollector.CURRENCY["VOD.L"] = "GBp"
    async with session_for(load_config(config(tmp_path)), Phase.MARKET) as session:
        await session.portfolio.store.add([Lot("VOD.L", 100, 7000.0, D[0], currency="GBp")])
        await session.portfolio.load()
        report = await PerformanceService(session.portfolio, session.market).report("ALL")
        assert any("no GBP/USD rate history" in w for w in report.incomplete)  # no FX history: said
        FixedHistoryCollector.CLOSES["GBPUSD=X"] = list(zip(D, [1.25, 1.25, 1.30, 1.30], strict=True))
        await session.portfolio.sell("VOD.L", 40, 7300.0, D[3])
        report = await PerformanceService(session.portfolio, session.market).report("ALL")
    # 60 shares left at 73.00 GBP x 1.30 = 5,694 USD; 40 sold: 40 x (73 - 70) GBP x 1.30 = 156 USD
    assert report.value[-1] == pytest.approx(60 * 73.0 * 1.30)
    assert report.realised_by_year == {2026: pytest.approx(40 * 3.0 * 1.30)}
    assert not report.incomplete


def test_portfolio_performance_from_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from naetra_tui.cli import main

    path = str(config(tmp_path))
    assert (
        main(
            [
                "--config",
                path,
                "portfolio",
                "add",
                "XYZ",
                "10",
                "100",
                "--date",
                "2026-06-01",
                "--currency",
                "USD",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["--config", path, "portfolio", "performance", "--period", "ALL"]) == 0
    said = capsys.readouterr().out
    assert "time-weighted return +10.00 %" in said and "dividends: unavailable" in said
    assert main(["--config", path, "portfolio", "performance", "--period", "ALL", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["twr"] == pytest.approx(0.10) and len(data["series"]) == 4 and data["complete"]
    assert main(["--config", path, "portfolio", "performance", "--period", "5Q"]) == 2
    assert "unknown period" in capsys.readouterr().err


async def test_the_chat_answers_how_the_portfolio_did_from_the_figures_and_checks_them(
    tmp_path: Path,
) -> None:
    """A model with tools calls get_performance; its figures are checked against the report,
    and one it invents is flagged."""
    from typing import Any

    from naetra_tui.services.session import chat_service
    from tests.fakes.ollama_server import Turn, fake_ollama
    from tests.unit.test_chat import collect

    with fake_ollama() as (url, fake):
        path = write(
            tmp_path / "chat.yaml",
            "app:\n  storage: sqlite\n  watchlist: [XYZ]\n"
            "plugins:\n  data_collectors:\n    - {name: fixed, class: tests.fixtures.fake_plugins.FixedHistoryCollector}\n"
            f"  llm:\n    - {{name: ollama, plugin: ollama, config: {{api_url: '{url}', model_name: 'llama3.2:3b'}}}}\n"
            f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
        )
        async with session_for(load_config(path)) as session:
            await session.portfolio.store.add([Lot("XYZ", 10, 100.0, D[0], currency="USD"),
                                               Lot("XYZ", 10, 121.0, D[2], currency="USD")])  # fmt: skip
            fake.script = [
                Turn(tool_calls=[{"name": "get_performance", "arguments": {"period": "ALL"}}]),
                Turn(
                    content="Your portfolio's time-weighted return is +10.00% against 0.00% for the "
                    "S&P 500; its volatility was 99.9%."
                ),
            ]
            answer: list[Any] = await collect(
                chat_service(session), "How did my portfolio do vs the S&P 500?", "XYZ"
            )
    tool_result = next(m for m in fake.requests[-1]["messages"] if m["role"] == "tool")["content"]
    assert "time-weighted return +10.00 %" in tool_result and "^GSPC +0.00 %" in tool_result
    message = answer[-1].message
    assert "+10.00%" in message.verified_figures and "99.9%" in message.unverified_figures
    assert message.figure_notes["+10.00%"].startswith("portfolio Main time-weighted return")
