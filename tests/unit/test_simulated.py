"""The simulated feed: quotes agree with the daily bars, whatever the moment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plugins.data_collectors.simulated import BRIDGE_DAYS, SimulatedCollector

SYMBOLS = ["AAPL", "SPY", "^GSPC", "BTC-USD", "EURUSD=X", "ZZZT"]
MOMENTS = [
    datetime(2026, 11, 25, 15, 30, tzinfo=UTC),  # Wednesday, New York open
    datetime(2026, 11, 25, 12, 0, tzinfo=UTC),  # before the open (pre-market)
    datetime(2026, 11, 25, 22, 0, tzinfo=UTC),  # after the close
    datetime(2026, 11, 28, 18, 0, tzinfo=UTC),  # Saturday: only crypto trades
    datetime(2026, 11, 30, 14, 31, tzinfo=UTC),  # Monday, a minute after the open
]


def collector_at(moment: datetime) -> SimulatedCollector:
    collector = SimulatedCollector()
    collector.settings = collector.settings.model_copy(update={"frozen_time": moment, "seed": 11})
    return collector


@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: m.strftime("%a %H:%M"))
def test_a_quote_is_the_last_bars_of_the_fully_bridged_daily_history(moment: datetime) -> None:
    collector = collector_at(moment)
    for symbol in SYMBOLS:
        quote = collector.quote(symbol)
        _, open_, high, low, close, volume = collector._daily(collector._profile(symbol), moment, BRIDGE_DAYS)
        assert quote.price == close[-1]
        assert quote.previous_close == close[-2]
        assert (quote.open, quote.day_high, quote.day_low) == (open_[-1], high[-1], low[-1])
        if quote.volume is not None:
            assert quote.volume == volume[-1]


def test_the_daily_history_ends_at_the_quote() -> None:
    moment = MOMENTS[0]
    collector = collector_at(moment)
    for symbol in SYMBOLS:
        quote = collector.quote(symbol)
        history = collector.history(symbol, "1D")  # daily bars
        assert history.close[-1] == quote.price
        assert history.high[-1] == quote.day_high


def test_same_seed_same_quotes() -> None:
    first = collector_at(MOMENTS[0]).quote("AAPL")
    again = collector_at(MOMENTS[0]).quote("AAPL")
    assert first == again
