"""Market values are validated where they enter (#31): no wrong number marked complete.

A price that is not a finite number above 0 is no quote; a reference figure that is not one
(previous close 0) is missing, so what depends on it is missing too; a quote without a currency
is never valued as USD; a held symbol whose currency changes is flagged, not converted."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from naetra_tui.config import load_config
from naetra_tui.core.models import Quote
from naetra_tui.core.portfolio import check_lot
from naetra_tui.services.session import Phase, session_for
from tests.conftest import write
from tests.fixtures.fake_plugins import PayloadCollector

FAKE = "tests.fixtures.fake_plugins"


@pytest.mark.parametrize("price", [-5.0, 0.0, math.nan, math.inf, -math.inf])
def test_a_price_that_is_not_a_number_above_zero_is_no_quote(price: float) -> None:
    with pytest.raises(ValidationError):
        Quote(symbol="AAPL", price=price, source="feed")


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf, "n/a", True])
def test_a_reference_figure_that_is_not_above_zero_is_missing(bad: object) -> None:
    q = Quote(
        symbol="AAPL",
        price=100.0,
        source="feed",
        previous_close=bad,
        open=bad,
        day_low=bad,
        extended_price=bad,
    )  # type: ignore[arg-type]
    assert q.previous_close is None and q.open is None and q.day_low is None and q.extended_price is None
    assert q.change is None and q.change_pct is None  # never "+100% today" from a close of 0


def test_good_figures_pass_whatever_numeric_type_they_come_in() -> None:
    q = Quote(symbol="AAPL", price=np.float64(101.5), source="feed", previous_close=np.int64(100), volume=0)
    assert q.previous_close == 100.0 and q.volume == 0 and q.change_pct == pytest.approx(1.5)


def config(tmp_path: Path) -> Path:
    return write(
        tmp_path / "c.yaml",
        f"app:\n  storage: sqlite\n  base_currency: USD\nplugins:\n  data_collectors:\n"
        f"    - {{name: feed, class: {FAKE}.PayloadCollector}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


@pytest.mark.parametrize("price", [-5, 0, "nan", "-0.0"])
async def test_a_feeds_unusable_price_is_an_error_on_its_row_not_a_quote(
    tmp_path: Path, price: object
) -> None:
    PayloadCollector.PAYLOADS = {
        "AAPL": {"price": price, "previous_close": 100, "currency": "USD"},
        "MSFT": {"price": 400, "previous_close": 0, "currency": "USD"},
    }
    async with session_for(load_config(config(tmp_path)), Phase.MARKET) as session:
        rows = await session.market.refresh(["AAPL", "MSFT"])
    assert rows["AAPL"].quote is None and rows["AAPL"].error
    assert "unusable price" in rows["AAPL"].error or "no price" in rows["AAPL"].error
    assert rows["MSFT"].quote is not None and rows["MSFT"].quote.change_pct is None


async def test_positions_with_no_price_close_or_currency_are_incomplete_with_the_reason(
    tmp_path: Path,
) -> None:
    PayloadCollector.PAYLOADS = {
        "AAPL": {"price": -5, "previous_close": 100, "currency": "USD"},  # refused: no value at all
        "MSFT": {"price": 400, "previous_close": 0, "currency": "USD"},  # no day P&L
        "NOCCY": {"price": 50, "previous_close": 49},  # no currency: never taken as USD
        "GOOD": {"price": 10, "previous_close": 9, "currency": "USD"},
    }
    async with session_for(load_config(config(tmp_path)), Phase.MARKET) as session:
        await session.portfolio.add(
            [check_lot(s, 10, 1.0, "2026-01-05") for s in ("AAPL", "MSFT", "NOCCY", "GOOD")]
        )
        value = await session.valued_portfolio()
    by = {p.symbol: p for p in value.positions}
    assert by["AAPL"].value is None and by["NOCCY"].value is None
    assert "gave no currency for NOCCY" in (by["NOCCY"].problem or "")
    assert by["MSFT"].value == pytest.approx(4000) and by["MSFT"].day_pnl is None
    assert by["GOOD"].value == pytest.approx(100) and by["GOOD"].day_pnl == pytest.approx(10)
    reasons = " | ".join(value.incomplete)
    assert "AAPL" in reasons and "NOCCY" in reasons and "MSFT: no previous close" in reasons
    assert value.value is not None and value.value == pytest.approx(4100)  # what is known, marked incomplete
    assert value.incomplete  # never complete


async def test_a_held_symbol_whose_currency_changes_is_flagged_not_converted(tmp_path: Path) -> None:
    PayloadCollector.PAYLOADS = {"VOD": {"price": 0.72, "previous_close": 0.71, "currency": "USD"}}
    async with session_for(load_config(config(tmp_path)), Phase.MARKET) as session:
        await session.portfolio.add([check_lot("VOD", 1000, 0.70, "2026-01-05")])
        first = await session.valued_portfolio()
        assert first.positions[0].value == pytest.approx(720) and not first.incomplete
        PayloadCollector.PAYLOADS = {"VOD": {"price": 72.0, "previous_close": 71.0, "currency": "GBp"}}
        second = await session.valued_portfolio()
    position = second.positions[0]
    assert position.value is None and "changed from USD to GBp" in (position.problem or "")
    assert second.incomplete  # not a +10,000% day
