"""Evaluating rules over bars (#36): the same code decides "holds now" (app, watcher) and "would
have fired on" (backtest); missing values never hold; a condition that stays true is one event;
crosses, averages, windows and multiples read the numbers they should."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from naetra_tui.core.models import PriceHistory, Quote
from naetra_tui.core.normalize import history_from_arrays
from naetra_tui.services.alerts.backtest import backtest
from naetra_tui.services.alerts.evaluate import (
    RuleValues,
    fire_bars,
    holds,
    quote_history,
    reading,
    with_live_price,
)
from naetra_tui.services.alerts.model import rule_tree


def daily(close: list[float], volume: list[float] | None = None, start: str = "2026-01-01") -> PriceHistory:
    c = np.asarray(close, dtype=float)
    n = len(c)
    stamps = (np.datetime64(start) + np.arange(n)).astype("datetime64[s]")
    cols = {"open": c.copy(), "high": c + 1, "low": c - 1, "close": c,
            "volume": np.asarray(volume if volume is not None else [1000.0] * n, dtype=float)}  # fmt: skip
    return history_from_arrays("TEST", "1D", stamps, cols, source="test")


def fired(rule: str, history: PriceHistory) -> list[int]:
    return fire_bars(rule_tree(rule), RuleValues(history))


def test_a_condition_that_stays_true_is_one_event_each_time_it_starts() -> None:
    h = daily([100, 106, 107, 104, 108, 109, 110])
    assert fired("price > 105", h) == [1, 4]
    assert list(holds(rule_tree("price > 105"), RuleValues(h))) == [
        False,
        True,
        True,
        False,
        True,
        True,
        True,
    ]


def test_and_or_combine_per_bar() -> None:
    h = daily([100, 106, 107, 104, 108], volume=[1, 1, 9, 9, 1])
    assert fired("price > 105 and volume > 5", h) == [2]
    assert fired("price > 105 or volume > 5", h) == [1]
    assert fired("(price < 101 or price > 107.5) and volume < 5", h) == [0, 4]


def test_crosses_fire_on_the_bar_that_crosses_only() -> None:
    h = daily([10, 11, 12, 13, 12, 11, 10, 11, 12])
    assert fired("price cross above 11.5", h) == [2, 8]
    assert fired("price cross below 11.5", h) == [5]
    # two series: the fast average crosses the slow one where a hand computation says
    closes = [float(x) for x in [*np.linspace(50, 30, 30), *np.linspace(30, 60, 30)]]
    sma5 = np.convolve(closes, np.ones(5) / 5, "valid")
    sma20 = np.convolve(closes, np.ones(20) / 20, "valid")
    diff = sma5[15:] - sma20  # aligned on bars 19..59
    expected = [19 + i for i in range(1, len(diff)) if diff[i - 1] <= 0 < diff[i]]
    assert fired("sma5 cross above sma20", daily(closes)) == expected and expected


def test_averages_windows_and_multiples_read_the_right_numbers() -> None:
    volume = [100.0] * 25 + [350.0, 250.0]
    h = daily([10.0] * 27, volume=volume)
    # bar 25: 350 > 3 x mean(bars 6..25 = 19 x 100 + 350) / 20 = 3 x 112.5 = 337.5 -> fires
    # bar 26: 250 > 3 x (18 x 100 + 350 + 250) / 20 = 360? no
    assert fired("volume > 3x avg20", h) == [25]
    prices = [100.0, 100, 100, 100, 100, 100, 88, 89]
    # change% 5d at bar 6: 88 / 100 - 1 = -12 % ; at bar 7: 89 / 100 - 1 = -11 %
    assert fired("change% 5d < -10", daily(prices)) == [6]
    assert fired("change% < -10", daily(prices)) == [6]  # one bar: 88 / 100
    values = reading(rule_tree("change% 5d < -10"), RuleValues(daily(prices)), 6).values
    assert values == {"change% 5d": pytest.approx(-12.0)}


def test_missing_values_never_hold() -> None:
    from dataclasses import replace

    h = daily([100, 115, 120, 130])
    gap = replace(h, close=np.array([100, np.nan, 120, 130.0]))  # a bar the cleaning would drop
    assert list(holds(rule_tree("price > 110"), RuleValues(gap))) == [False, False, True, True]
    assert fired("price > 110", gap) == [2]
    assert fired("rsi < 30", daily([100.0] * 10)) == []  # RSI needs 15 bars: nothing is known
    assert fired("sma200 cross above sma50", daily(list(np.linspace(1, 2, 150)))) == []


def test_the_live_price_is_read_as_todays_bar() -> None:
    h = daily([100.0] * 30, start="2026-11-01")  # last bar 2026-11-30
    same_day = Quote(symbol="TEST", price=130.0, source="t", as_of=datetime(2026, 11, 30, 15, tzinfo=UTC))
    live = with_live_price(h, same_day)
    assert (len(live) == 30 and live.close[-1] == 130.0 and live.high[-1] == 131.0) or live.high[-1] == 130.0
    next_day = Quote(symbol="TEST", price=90.0, source="t", as_of=datetime(2026, 12, 1, 15, tzinfo=UTC))
    grown = with_live_price(h, next_day)
    assert len(grown) == 31 and grown.close[-1] == 90.0 and h.close[-1] == 100.0  # the cache is untouched
    assert reading(rule_tree("change% < -5"), RuleValues(grown)).holds
    old = Quote(symbol="TEST", price=1.0, source="t", as_of=datetime(2026, 11, 1, tzinfo=UTC))
    assert with_live_price(h, old) is h  # a quote older than the bars changes nothing


def test_a_quote_alone_answers_price_and_day_change_rules() -> None:
    quote = Quote(symbol="TEST", price=252.0, previous_close=240.0, source="t", volume=5e6)
    bars = quote_history(quote)
    assert reading(rule_tree("price > 250"), RuleValues(bars)).holds
    read = reading(rule_tree("change% > 3"), RuleValues(bars))
    assert read.holds and read.values["change%"] == pytest.approx(5.0)
    assert not reading(rule_tree("rsi < 30"), RuleValues(bars)).holds  # unknowable: does not hold


def test_a_backtest_lists_the_days_in_range_and_says_the_source() -> None:
    closes = [100.0 + (10 if i % 50 == 0 else 0) for i in range(400)]
    h = daily(closes, start="2025-11-01")
    result = backtest("price > 105", h, "1Y")
    last = date(2025, 11, 1) + timedelta(days=399)
    in_range = [date(2025, 11, 1) + timedelta(days=i) for i in range(0, 400, 50)
                if date(2025, 11, 1) + timedelta(days=i) > last - timedelta(days=366)]  # fmt: skip
    assert [d for d, _ in result.fires] == in_range
    assert result.last_day == last and result.first_day == last - timedelta(days=365)
    assert f"would have fired {len(in_range)} times" in result.summary() and "test" in result.summary()
    assert result.to_json()["fired"] == len(in_range)
    quiet = backtest("price > 1000", h, "3M")
    assert "would not have fired" in quiet.summary() and quiet.bars == 92
    with pytest.raises(ValueError, match="unknown range"):
        backtest("price > 1", h, "7Q")


def test_a_backtest_says_when_the_rule_needed_more_history_than_there_was() -> None:
    h = daily([100.0 + i for i in range(100)])
    result = backtest("price > sma200", h, "MAX")
    assert result.fires == () and result.warming_up == 100
    assert "first 100 bars had too little history" in result.summary()


def test_a_rule_that_already_held_when_the_range_began_fires_on_its_first_day() -> None:
    h = daily([300.0] * 400, start="2025-11-01")
    result = backtest("price > 1", h, "1Y")
    assert [d for d, _ in result.fires] == [result.first_day]  # set then, it would fire at once
    assert "would have fired once" in result.summary()


@pytest.mark.parametrize(
    "rule",
    [
        "price > sma20",
        "rsi < 45 or change% 3d < -2",
        "(volume > 1.3x avg10 and price < bb_middle) or macd cross up",
        "sma5 cross below sma20 and rsi > 40",
        "price cross above 101",
    ],
)
def test_the_one_bar_check_agrees_with_the_whole_history_on_every_bar(rule: str) -> None:
    """The app and the watcher read one bar (fast); the backtest reads all: the same answers."""
    rng = np.random.default_rng(3)
    closes = list(100 * np.exp(np.cumsum(rng.normal(0, 0.02, 300))))
    volumes = list(rng.integers(1_000, 3_000, 300).astype(float))
    values = RuleValues(daily(closes, volume=volumes))
    whole = holds(rule_tree(rule), values)
    assert [reading(rule_tree(rule), values, i).holds for i in range(300)] == list(whole)
    assert whole.any()  # the rule really fires on this data
