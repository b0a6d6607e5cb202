"""Analyzers against independent reference values (published examples, numpy from first principles)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from naetra_tui.builtin.analyzers.fundamental import FundamentalAnalyzer
from naetra_tui.builtin.analyzers.technical import TechnicalAnalyzer
from naetra_tui.core.errors import DataUnavailable
from naetra_tui.core.models import Analysis, Fundamentals, PriceHistory
from naetra_tui.core.normalize import history_from_arrays, to_history
from naetra_tui.services.indicators import overlay_series

# Wilder's RSI worked example as published by StockCharts ("RSI" ChartSchool article)
WILDER_CLOSES = [
    44.34,
    44.09,
    44.15,
    43.61,
    44.33,
    44.83,
    45.10,
    45.42,
    45.84,
    46.08,
    45.89,
    46.03,
    45.61,
    46.28,
    46.28,
    46.00,
    46.03,
    46.41,
    46.22,
    45.64,
    46.21,
    46.25,
    45.71,
    46.45,
    45.78,
    45.35,
    44.03,
    44.18,
    44.22,
    44.57,
    43.42,
    42.66,
    43.13,
]
PUBLISHED_RSI = [
    70.53,
    66.32,
    66.55,
    69.41,
    66.36,
    57.97,
    62.93,
    63.26,
    56.06,
    62.38,
    54.71,
    50.42,
    39.99,
    41.46,
    41.87,
    45.46,
    37.30,
    33.08,
    37.77,
]


def bars(
    close: list[float] | np.ndarray, *, spread: float = 0.5, timeframe: str = "1D", volume: float = 1000.0
) -> PriceHistory:
    close = np.asarray(close, dtype=float)
    n = len(close)
    stamps = (np.datetime64("2024-01-01") + np.arange(n)).astype("datetime64[s]")
    opens = np.concatenate(([close[0]], close[:-1]))
    cols = {
        "open": opens,
        "high": np.maximum(opens, close) + spread,
        "low": np.minimum(opens, close) - spread,
        "close": close,
        "volume": np.full(n, volume),
    }
    return history_from_arrays("TEST", timeframe, stamps, cols, source="test")


def wilder_rsi(close: np.ndarray, period: int = 14) -> np.ndarray:
    """Wilder's RSI from its definition: smoothed average gain / loss."""
    delta = np.diff(close)
    gains, losses = np.clip(delta, 0, None), np.clip(-delta, 0, None)
    avg_gain, avg_loss = gains[:period].mean(), losses[:period].mean()
    out = [100 - 100 / (1 + avg_gain / avg_loss)]
    for g, loss in zip(gains[period:], losses[period:], strict=True):
        avg_gain = (avg_gain * (period - 1) + g) / period
        avg_loss = (avg_loss * (period - 1) + loss) / period
        out.append(100 - 100 / (1 + avg_gain / avg_loss))
    return np.array(out)


@pytest.fixture
async def technical() -> TechnicalAnalyzer:
    analyzer = TechnicalAnalyzer()
    await analyzer.initialize({})
    return analyzer


def value(analysis: Analysis, name: str) -> Any:
    for section in analysis.sections:
        for item in section.values:
            if item.name == name:
                return item
    raise KeyError(name)


async def test_rsi_matches_wilders_published_example(technical: TechnicalAnalyzer) -> None:
    close = np.array(WILDER_CLOSES)
    series = overlay_series(bars(close))["RSI(14)"]
    assert np.isnan(series[:14]).all()  # lookback region
    assert series[14:] == pytest.approx(wilder_rsi(close), abs=1e-9)  # the definition, exactly
    assert series[14:] == pytest.approx(PUBLISHED_RSI, abs=0.1)  # the book's worked figures (rounded there)
    analysis = await technical.analyze({"history": bars(close)})
    assert value(analysis, "RSI(14)").value == pytest.approx(37.79, abs=0.1)


def test_sma_on_a_short_list_and_alignment() -> None:
    history = bars(np.arange(1.0, 61.0))
    series = overlay_series(history, sma=3)["SMA(3)"]
    assert len(series) == len(history.timestamps)
    assert np.isnan(series[:2]).all()
    assert series[2:6].tolist() == [2.0, 3.0, 4.0, 5.0]  # SMA(3) of 1,2,3 is 2 at the 3rd bar


def test_ema_and_bollinger_from_first_principles() -> None:
    rng = np.random.default_rng(7)
    close = 100 + np.cumsum(rng.standard_normal(120))
    series = overlay_series(bars(close), ema=10, bbands=20)
    ema = np.full(len(close), np.nan)
    ema[9] = close[:10].mean()  # seeded with the SMA of the first 10 closes
    k = 2 / 11
    for i in range(10, len(close)):
        ema[i] = close[i] * k + ema[i - 1] * (1 - k)
    assert series["EMA(10)"][9:] == pytest.approx(ema[9:], rel=1e-9)
    window = close[-20:]
    assert series["BB middle"][-1] == pytest.approx(window.mean())
    assert series["BB upper"][-1] == pytest.approx(window.mean() + 2 * window.std(ddof=0))


async def test_short_history_gives_a_partial_result_not_made_up_numbers(technical: TechnicalAnalyzer) -> None:
    analysis = await technical.analyze({"history": bars(np.linspace(10, 12, 9))})
    rsi = value(analysis, "RSI(14)")
    assert rsi.value is None and rsi.note == "RSI(14) needs 15 bars, 9 available"
    assert value(analysis, "MACD").note == "MACD needs 34 bars, 9 available"
    assert "SMA 50/200 trend needs 200 bars, 9 available" in analysis.notes
    assert await technical.validate(analysis)


async def test_validate_refuses_claims_below_the_lookback_or_nan(technical: TechnicalAnalyzer) -> None:
    analysis = await technical.analyze({"history": bars(np.linspace(10, 20, 60))})
    assert await technical.validate(analysis)
    forged = analysis.model_copy(deep=True)
    forged.bars = 10  # RSI claimed on 10 bars
    assert not await technical.validate(forged)
    forged = analysis.model_copy(deep=True)
    forged.indicators["RSI"]["value"] = math.nan
    assert not await technical.validate(forged)


async def test_constant_price_series(technical: TechnicalAnalyzer) -> None:
    analysis = await technical.analyze({"history": bars(np.full(80, 5.0), spread=0.0)})
    assert value(analysis, "RSI(14)").value is None  # 0/0 is not "oversold"
    assert any("did not move" in n for n in analysis.notes)
    assert value(analysis, "Stochastic %K").value is None
    assert all(s.name not in ("RSI(14)", "Stochastic") for s in analysis.signals)
    assert await technical.validate(analysis)


async def test_patterns_found_only_when_built_to_show() -> None:
    analyzer = TechnicalAnalyzer()
    await analyzer.initialize({"patterns": ["CDLENGULFING"], "pattern_window": 3})
    o = [10, 10.5, 10.2, 10.0, 9.4]
    h = [10.6, 10.6, 10.3, 10.1, 10.8]
    low = [9.9, 10.1, 9.9, 9.4, 9.3]
    c = [10.5, 10.2, 10.0, 9.5, 10.7]
    stamps = (np.datetime64("2024-03-01") + np.arange(5)).astype("datetime64[s]")
    cols = {
        "open": np.array(o),
        "high": np.array(h),
        "low": np.array(low),
        "close": np.array(c),
        "volume": np.ones(5),
    }
    history = history_from_arrays("X", "1D", stamps, cols, source="t")
    analysis = await analyzer.analyze({"history": history})
    assert analysis.patterns == [
        {"date": "2024-03-05", "name": "Engulfing", "direction": "bullish", "bar": 4}
    ]
    cols["close"] = np.array([10.5, 10.2, 10.0, 9.5, 9.45])  # no longer engulfs
    analysis = await analyzer.analyze({"history": history_from_arrays("X", "1D", stamps, cols, source="t")})
    assert analysis.patterns == []


async def test_guide_style_plain_dict_with_gaps_and_nan_bars(technical: TechnicalAnalyzer) -> None:
    n = 40
    data = {
        "symbol": "X",
        "timeframe": "1D",
        "timestamp": [1_700_000_000 + 86400 * (i + i // 5) for i in range(n)],  # weekend-like gaps
        "open": [10 + i * 0.1 for i in range(n)],
        "high": [10.5 + i * 0.1 for i in range(n)],
        "low": [9.5 + i * 0.1 for i in range(n)],
        "close": [None if i == 7 else 10 + i * 0.1 for i in range(n)],
        "volume": [100] * n,
    }
    analysis = await technical.analyze(data)
    assert analysis.bars == n - 1  # the NaN bar is dropped, not interpolated
    assert value(analysis, "RSI(14)").value == pytest.approx(100.0)  # only rises


async def test_technical_refuses_data_without_bars(technical: TechnicalAnalyzer) -> None:
    with pytest.raises(DataUnavailable):
        await technical.analyze({"symbol": "X", "history": {"nothing": []}})


async def test_vwap_only_for_intraday_and_from_first_principles(technical: TechnicalAnalyzer) -> None:
    daily = await technical.analyze({"history": bars(np.linspace(10, 11, 30))})
    assert "VWAP" not in daily.indicators
    history = bars(np.linspace(10, 11, 30), timeframe="5m")
    intraday = await technical.analyze({"history": history})
    typical = (history.high + history.low + history.close) / 3
    last_day = history.timestamps.astype("datetime64[D]") == history.timestamps[-1].astype("datetime64[D]")
    expected = (typical[last_day] * history.volume[last_day]).sum() / history.volume[last_day].sum()
    assert intraday.indicators["VWAP"]["value"] == pytest.approx(expected)


async def test_compact_text_is_small_and_says_source_and_age(technical: TechnicalAnalyzer) -> None:
    from naetra_tui.builtin.data_collectors.simulated import SimulatedCollector

    collector = SimulatedCollector()
    await collector.initialize({})
    history = await collector.get_market_data("AAPL", "1D")
    text = (await technical.analyze({"history": history})).to_text()
    assert "SIMULATED data" in text and "old]" in text and "RSI(14)=" in text
    assert len(text) / 4 < 1500  # ~4 characters per token


# --- fundamentals ---------------------------------------------------------------------------


@pytest.fixture
async def fundamental() -> FundamentalAnalyzer:
    analyzer = FundamentalAnalyzer()
    await analyzer.initialize({})
    return analyzer


async def test_fundamental_ratios_on_known_inputs(fundamental: FundamentalAnalyzer) -> None:
    f = Fundamentals(
        symbol="X",
        quote_type="EQUITY",
        eps_trailing=5.0,
        market_cap=1000.0,
        revenue=250.0,
        enterprise_value=1200.0,
        ebitda=100.0,
        book_value_per_share=20.0,
        debt_to_equity=250.0,
        return_on_equity=0.3,
    )
    analysis = await fundamental.analyze({"fundamentals": f, "history": bars([100.0, 100.0])})
    assert value(analysis, "P/E (trailing)").value == 20.0
    assert value(analysis, "P/S").value == 4.0
    assert value(analysis, "EV/EBITDA").value == 12.0
    assert value(analysis, "P/B").value == 5.0
    assert (
        value(analysis, "Current ratio").value is None and value(analysis, "Current ratio").note == "missing"
    )
    names = {s.name: s.direction for s in analysis.signals}
    assert names == {"P/E": "neutral", "Debt/equity": "bearish", "ROE": "bullish"}


async def test_negative_earnings_and_zero_denominators_are_not_meaningful(
    fundamental: FundamentalAnalyzer,
) -> None:
    f = Fundamentals(
        symbol="X",
        quote_type="EQUITY",
        eps_trailing=-2.0,
        pe_trailing=None,
        enterprise_value=50.0,
        ebitda=0.0,
        peg=-1.3,
    )
    analysis = await fundamental.analyze({"fundamentals": f, "history": bars([10.0, 10.0])})
    assert value(analysis, "P/E (trailing)").value is None
    assert "not meaningful (negative earnings" in value(analysis, "P/E (trailing)").note
    assert "not meaningful (denominator 0" in value(analysis, "EV/EBITDA").note
    assert "not meaningful" in value(analysis, "PEG").note


async def test_etf_index_and_crypto_get_what_applies(fundamental: FundamentalAnalyzer) -> None:
    etf = await fundamental.analyze(
        {"fundamentals": Fundamentals(symbol="SPY", quote_type="ETF", pe_trailing=25.0, dividend_yield=0.012)}
    )
    assert [s.title for s in etf.sections] == ["Valuation", "Dividends"]
    crypto = await fundamental.analyze(
        {"fundamentals": Fundamentals(symbol="BTC-USD", quote_type="CRYPTOCURRENCY")}
    )
    assert crypto.sections == [] and "company ratios do not apply" in crypto.notes[0]


async def test_fundamental_needs_fundamentals(fundamental: FundamentalAnalyzer) -> None:
    with pytest.raises(DataUnavailable):
        await fundamental.analyze({"symbol": "X"})


def test_to_history_accepts_list_of_bars() -> None:
    history = to_history(
        [{"date": "2024-01-02", "close": 2}, {"date": "2024-01-01", "close": 1}],
        symbol="X",
        timeframe="1D",
        source="s",
    )
    assert history.close.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_pattern_scan_of_the_tail_finds_what_a_full_scan_finds(seed: int) -> None:
    """The analyzer scans only the recent bars (plus each pattern's lookback); on every TA-Lib
    pattern that must report exactly the hits a scan of the whole history reports."""
    import talib

    analyzer = TechnicalAnalyzer()
    await analyzer.initialize({"patterns": ["ALL"], "pattern_window": 30})
    rng = np.random.default_rng(seed)
    n = 3000
    close = 50 * np.exp(np.cumsum(rng.standard_normal(n) * 0.02))
    opens = close * (1 + rng.standard_normal(n) * 0.01)
    high = np.maximum(opens, close) * (1 + np.abs(rng.standard_normal(n)) * 0.01)
    low = np.minimum(opens, close) * (1 - np.abs(rng.standard_normal(n)) * 0.01)
    doji = rng.random(n) < 0.1  # plenty of dojis, stars and equal opens for the patterns to find
    opens[doji] = close[doji]
    stamps = (np.datetime64("2010-01-01") + np.arange(n)).astype("datetime64[s]")
    cols = {"open": opens, "high": high, "low": low, "close": close, "volume": np.ones(n)}
    history = history_from_arrays("X", "1D", stamps, cols, source="t")
    expected = []
    for name in analyzer.settings.patterns:
        full = getattr(talib, name)(opens, high, low, close)
        for i in np.flatnonzero(full[-30:]) + n - 30:
            expected.append((int(i), name.removeprefix("CDL"), "bullish" if full[i] > 0 else "bearish"))
    found = [
        (p["bar"], p["name"].upper().replace("THREE ", "3").replace(" ", ""), p["direction"])
        for p in analyzer.compute(history).patterns
    ]
    assert sorted(found) == sorted(expected)
    assert len(expected) > 10  # the data really exercises the patterns


async def test_macd_cross_is_a_typed_event_and_the_alert_rule_reads_the_same_cross(
    technical: TechnicalAnalyzer,
) -> None:
    """A long fall then a sharp rise: MACD crosses above its signal in the last bars. The
    analyzer's typed event and the alert rule 'macd cross up' (evaluated from the bars by the
    rule evaluator, not from the analyzer's words) agree."""
    from naetra_tui.services.alerts.evaluate import RuleValues, reading
    from naetra_tui.services.alerts.model import rule_tree

    falling_then_rising = np.concatenate([np.linspace(200, 100, 120), [103, 108, 115]])
    history = bars(falling_then_rising)
    analysis = await technical.analyze({"symbol": "TEST", "timeframe": "1D", "history": history})
    macd = next(s for s in analysis.signals if s.name == "MACD")
    assert macd.event == "cross_above"
    values = RuleValues(history)
    crossed_at = [i for i in range(len(history)) if reading(rule_tree("macd cross up"), values, i).holds]
    assert crossed_at and crossed_at[-1] >= len(history) - 3
    assert not any(reading(rule_tree("macd cross down"), values, i).holds for i in crossed_at)
    steady_bars = bars(np.linspace(100, 200, 123))
    steady = await technical.analyze({"symbol": "TEST", "timeframe": "1D", "history": steady_bars})
    assert next(s for s in steady.signals if s.name == "MACD").event is None
    assert not reading(rule_tree("macd cross up"), RuleValues(steady_bars)).holds
