"""Greeks and implied volatility computed locally (services/research/greeks.py, vollib) agree
with an independent implementation, QuantLib's analytic European engine, on a grid of cases;
a price no volatility explains gets no Greeks rather than invented ones (#34)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
import QuantLib as ql

from naetra_tui.core.research import OptionChain, OptionContract
from naetra_tui.services.research.greeks import add_greeks, contract_greeks, implied_vol, years_to_expiry

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def quantlib(
    kind: str, spot: float, strike: float, years: float, rate: float, vol: float
) -> dict[str, float]:
    """Greeks of a European option from QuantLib, in vollib's units (theta per day, vega per point)."""
    today = ql.Date(7, 12, 2026)
    ql.Settings.instance().evaluationDate = today
    day_count = ql.Actual365Fixed()
    maturity = today + ql.Period(max(1, round(years * 365)), ql.Days)
    exact_years = day_count.yearFraction(today, maturity)
    payoff = ql.PlainVanillaPayoff(ql.Option.Call if kind == "call" else ql.Option.Put, strike)
    option = ql.VanillaOption(payoff, ql.EuropeanExercise(maturity))
    process = ql.BlackScholesProcess(
        ql.QuoteHandle(ql.SimpleQuote(spot)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, rate, day_count, ql.Continuous)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), vol, day_count)),
    )
    option.setPricingEngine(ql.AnalyticEuropeanEngine(process))
    return {
        "years": exact_years,
        "price": option.NPV(),
        "delta": option.delta(),
        "gamma": option.gamma(),
        "theta": option.theta() / 365.0,
        "vega": option.vega() / 100.0,
    }


@pytest.mark.parametrize("kind", ["call", "put"])
@pytest.mark.parametrize("strike", [70.0, 95.0, 100.0, 110.0, 140.0])
@pytest.mark.parametrize("vol", [0.12, 0.35, 0.9])
@pytest.mark.parametrize("days", [7, 45, 400])
def test_greeks_match_quantlib(kind: str, strike: float, vol: float, days: int) -> None:
    spot, rate = 100.0, 0.04
    expected = quantlib(kind, spot, strike, days / 365.0, rate, vol)
    greeks = contract_greeks(kind, spot, strike, expected["years"], rate, vol)
    for name in ("delta", "gamma", "theta", "vega"):
        assert greeks[name] == pytest.approx(expected[name], rel=1e-3, abs=1e-6), name


def test_a_chain_gets_greeks_to_its_expiry_close() -> None:
    call = OptionContract("call", 100.0, implied_vol=0.3)
    put = OptionContract("put", 100.0, implied_vol=0.3)
    chain = OptionChain("T", date(2027, 1, 15), "test", False, NOW, 100.0, [call], [put])
    assert add_greeks(chain, 0.04, NOW) == 2
    years = years_to_expiry(chain, NOW)
    assert years == pytest.approx(
        (datetime(2027, 1, 15, 21, tzinfo=UTC) - NOW).total_seconds() / (365 * 86400)
    )
    assert call.greeks == contract_greeks("call", 100.0, 100.0, years, 0.04, 0.3)
    assert call.greeks["delta"] - put.greeks["delta"] == pytest.approx(1.0)  # put-call parity
    assert "iv" not in call.greeks  # the source's volatility was used, not one implied here


@pytest.mark.parametrize("kind", ["call", "put"])
@pytest.mark.parametrize("strike", [80.0, 100.0, 125.0])
@pytest.mark.parametrize("vol", [0.15, 0.6])
def test_a_volatility_is_implied_from_the_mid_price_when_the_source_gives_none(
    kind: str, strike: float, vol: float
) -> None:
    spot, rate, years = 100.0, 0.04, 0.5
    price = quantlib(kind, spot, strike, years, rate, vol)["price"]
    contract = OptionContract(kind, strike, bid=price * 0.999, ask=price * 1.001)  # type: ignore[arg-type]
    implied = implied_vol(contract, spot, years, rate)
    assert implied == pytest.approx(vol, rel=2e-2)


def test_a_price_no_volatility_explains_gets_no_greeks() -> None:
    below_intrinsic = OptionContract("call", 50.0, bid=10.0, ask=10.2)  # worth at least 50
    no_price = OptionContract("call", 100.0)
    zero = OptionContract("put", 100.0, last=0.0)
    chain = OptionChain(
        "T", date(2027, 6, 18), "test", False, NOW, 100.0, [below_intrinsic, no_price], [zero]
    )
    assert add_greeks(chain, 0.04, NOW) == 0
    assert below_intrinsic.greeks == {} and no_price.greeks == {} and zero.greeks == {}
    unknown_spot = OptionChain(
        "T", date(2027, 6, 18), "test", False, NOW, None, [OptionContract("call", 100.0, implied_vol=0.3)], []
    )
    assert add_greeks(unknown_spot, 0.04, NOW) == 0


def test_an_implied_volatility_is_marked_as_computed_here() -> None:
    contract = OptionContract("call", 100.0, bid=4.0, ask=4.2)
    chain = OptionChain("T", date(2027, 3, 19), "test", False, NOW, 100.0, [contract], [])
    assert add_greeks(chain, 0.04, NOW) == 1
    assert 0 < contract.greeks["iv"] < 1 and contract.implied_vol is None
    assert math.isfinite(contract.greeks["delta"])
