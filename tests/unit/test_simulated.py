"""The simulated feed: quotes agree with the daily bars, whatever the moment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from naetra_tui.builtin.data_collectors.simulated import BRIDGE_DAYS, SimulatedCollector
from naetra_tui.core.enums import MarketState

SYMBOLS = ["AAPL", "SPY", "^GSPC", "BTC-USD", "EURUSD=X", "7203.T", "VOD.L"]
MOMENTS = [
    datetime(2026, 11, 25, 15, 30, tzinfo=UTC),  # Wednesday, New York open
    datetime(2026, 11, 25, 12, 0, tzinfo=UTC),  # before the open (pre-market)
    datetime(2026, 11, 25, 22, 0, tzinfo=UTC),  # after the close
    datetime(2026, 11, 28, 18, 0, tzinfo=UTC),  # Saturday: only crypto trades
    datetime(2026, 11, 30, 14, 31, tzinfo=UTC),  # Monday, a minute after the open
    datetime(2026, 11, 26, 16, 0, tzinfo=UTC),  # Thanksgiving: the exchange is closed
    datetime(2026, 11, 27, 17, 30, tzinfo=UTC),  # the day after: closes early, at 13:00
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


def test_on_an_exchange_holiday_us_markets_are_closed_and_do_not_move() -> None:
    thanksgiving_noon = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    before = collector_at(datetime(2026, 11, 25, 23, 0, tzinfo=UTC))  # Wednesday evening
    during = collector_at(thanksgiving_noon)
    for symbol in ("AAPL", "SPY", "^GSPC"):
        quote = during.quote(symbol)
        assert quote.market_state == MarketState.CLOSED
        assert quote.price == before.quote(symbol).price  # Wednesday's close, unchanged
        assert quote.as_of < thanksgiving_noon.replace(hour=0)  # as of Wednesday's close
        days = during.history(symbol, "1D").timestamps
        assert all(str(d)[:10] != "2026-11-26" for d in days)
    # FX and crypto trade that day
    assert during.quote("EURUSD=X").market_state == MarketState.REGULAR
    assert during.quote("BTC-USD").market_state == MarketState.REGULAR


def test_the_morning_of_a_holiday_is_not_pre_market() -> None:
    quote = collector_at(datetime(2026, 11, 26, 12, 0, tzinfo=UTC)).quote("AAPL")  # 07:00 New York
    assert quote.market_state == MarketState.CLOSED


def test_an_early_close_ends_the_session_at_one_in_the_afternoon() -> None:
    at_two = collector_at(datetime(2026, 11, 27, 19, 0, tzinfo=UTC))  # 14:00 New York
    quote = at_two.quote("AAPL")
    assert quote.market_state == MarketState.POST
    assert quote.as_of == datetime(2026, 11, 27, 18, 0, tzinfo=UTC)  # 13:00 New York
    at_noon = collector_at(datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
    assert at_noon.quote("AAPL").market_state == MarketState.REGULAR


@pytest.mark.parametrize(
    ("symbol", "currency"),
    [("AAPL", "USD"), ("SAP.DE", "EUR"), ("MC.PA", "EUR"), ("ASML.AS", "EUR"), ("VOD.L", "GBp"),
     ("7203.T", "JPY"), ("RY.TO", "CAD"), ("0700.HK", "HKD"), ("EURGBP=X", "GBP"), ("BRK.B", "USD")],
)  # fmt: skip
def test_each_symbol_is_quoted_in_its_exchanges_currency(symbol: str, currency: str) -> None:
    assert collector_at(MOMENTS[0]).quote(symbol).currency == currency


def test_fx_rates_are_plausible_and_consistent_and_unknown_pairs_are_refused() -> None:
    from naetra_tui.core.errors import UnknownSymbol

    collector = collector_at(MOMENTS[0])
    rates = {
        s: collector.quote(s).price for s in ("EURUSD=X", "GBPUSD=X", "EURGBP=X", "USDJPY=X", "JPYUSD=X")
    }
    assert 0.8 < rates["EURUSD=X"] < 1.4 and 1.0 < rates["GBPUSD=X"] < 1.6
    assert rates["EURGBP=X"] == pytest.approx(rates["EURUSD=X"] / rates["GBPUSD=X"], rel=0.25)
    assert rates["JPYUSD=X"] == pytest.approx(1 / rates["USDJPY=X"], rel=0.25)
    assert collector.quote("AZN.L").price > 5000  # pence: AstraZeneca's price of about 106 pounds
    assert 40 < collector.quote("VOD.L").price < 110  # a known one at its level: about 72p
    with pytest.raises(UnknownSymbol, match="no rate for XAUUSD=X"):
        collector.quote("XAUUSD=X")  # no level for gold: refused, not invented


def test_after_the_close_a_post_market_price_is_given_beside_the_regular_close() -> None:
    after = collector_at(datetime(2026, 11, 25, 22, 0, tzinfo=UTC)).quote("AAPL")
    assert after.market_state == MarketState.POST and after.extended
    assert after.extended_price == pytest.approx(after.price, rel=0.005)
    assert after.extended_change == pytest.approx(after.extended_price - after.price)
    during = collector_at(MOMENTS[0]).quote("AAPL")
    assert during.extended_price is None and not during.extended


def test_it_invents_no_symbol_unless_told_to() -> None:
    from naetra_tui.core.errors import UnknownSymbol

    collector = collector_at(MOMENTS[0])
    with pytest.raises(UnknownSymbol, match="unknown symbol ZZZZQ: the simulated feed knows"):
        collector.quote("ZZZZQ")
    collector.settings = collector.settings.model_copy(update={"invent_unknown": True})
    assert collector.quote("ZZZZQ").name == "ZZZZQ (simulated company)"


@pytest.mark.parametrize(
    ("symbol", "moment", "state"),
    [
        ("7203.T", datetime(2026, 11, 24, 16, 1, tzinfo=UTC), MarketState.CLOSED),  # 01:01 in Tokyo
        ("7203.T", datetime(2026, 11, 25, 1, 0, tzinfo=UTC), MarketState.REGULAR),  # 10:00 in Tokyo
        ("7203.T", datetime(2026, 11, 23, 1, 0, tzinfo=UTC), MarketState.CLOSED),  # Labour Thanksgiving Day
        ("AAPL", datetime(2026, 11, 23, 15, 0, tzinfo=UTC), MarketState.REGULAR),  # ...New York is open
        ("VOD.L", datetime(2026, 11, 25, 8, 30, tzinfo=UTC), MarketState.REGULAR),  # 08:30 in London
        ("VOD.L", datetime(2026, 11, 25, 17, 0, tzinfo=UTC), MarketState.CLOSED),  # no post-market there
        ("AAPL", datetime(2026, 11, 26, 15, 0, tzinfo=UTC), MarketState.CLOSED),  # Thanksgiving
        ("SAP.DE", datetime(2026, 11, 26, 10, 0, tzinfo=UTC), MarketState.REGULAR),  # ...Frankfurt is open
    ],
)
def test_each_exchange_keeps_its_own_hours_and_holidays(
    symbol: str, moment: datetime, state: MarketState
) -> None:
    assert collector_at(moment).quote(symbol).market_state == state


def test_quote_prints_the_currency_beside_the_price(tmp_path, capsys) -> None:
    from naetra_tui.cli import main
    from tests.conftest import write

    path = write(
        tmp_path / "c.yaml",
        "app:\n  storage: memory\n  llm: none\nplugins:\n  data_collectors:\n"
        "    - {name: simulated, plugin: simulated}\n  storage:\n    - {name: memory, plugin: memory}\n",
    )
    assert main(["--config", str(path), "quote", "7203.T", "VOD.L", "AAPL", "ZZZZQ"]) == 1
    captured = capsys.readouterr()
    lines = {line.split()[0]: line.split() for line in captured.out.splitlines()}
    assert lines["7203.T"][2] == "JPY" and lines["VOD.L"][2] == "GBp" and lines["AAPL"][2] == "USD"
    assert "ZZZZQ: unknown symbol ZZZZQ: the simulated feed knows" in captured.err


async def test_an_unknown_symbol_says_so_first_whatever_failed_before(tmp_path) -> None:
    from naetra_tui.config import load_config
    from naetra_tui.services.session import Phase, session_for
    from tests.conftest import write

    path = write(
        tmp_path / "c.yaml",
        "app:\n  storage: memory\n  llm: none\n  plugin_timeout: 2\nplugins:\n  data_collectors:\n"
        "    - {name: alpha_vantage, plugin: alpha_vantage, config: {api_key: x, base_url: 'http://127.0.0.1:9/q'}}\n"
        "    - {name: simulated, plugin: simulated}\n  storage:\n    - {name: memory, plugin: memory}\n",
    )
    async with session_for(load_config(path), Phase.MARKET) as session:
        rows = await session.market.refresh(["ZZZZQ"])
    assert rows["ZZZZQ"].error.startswith("unknown symbol ZZZZQ: the simulated feed knows")
    assert "alpha_vantage: " in rows["ZZZZQ"].error  # the other reason still follows
