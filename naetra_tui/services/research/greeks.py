"""Greeks and implied volatility computed locally (vollib: Black-Scholes, with Peter Jäckel's
"Let's Be Rational" for implied volatility), so a chain shows them even where its source gives
none. Conventions (vollib's): theta per calendar day, vega per 1 volatility point (1 %).

A contract's volatility is its source's implied volatility when given; otherwise it is implied
from the mid price (bid/ask, else last). Where neither can be had, or the price is below the
intrinsic value, the contract has no Greeks — never a made-up one.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, time

from ...core.research import OptionChain, OptionContract

#: The US equity options close (16:00 New York, 21:00 UTC in winter): when an expiry day ends.
EXPIRY_CLOSE_UTC = time(21, 0)
MIN_YEARS = 1.0 / (365.0 * 24.0)  # an hour: at expiry the Greeks are not defined


def years_to_expiry(chain: OptionChain, now: datetime) -> float:
    close = datetime.combine(chain.expiry, EXPIRY_CLOSE_UTC, UTC)
    return max((close - now).total_seconds() / (365.0 * 86400.0), MIN_YEARS)


def implied_vol(contract: OptionContract, spot: float, years: float, rate: float) -> float | None:
    """The contract's volatility: the source's, else implied from its mid price."""
    from vollib.black_scholes.implied_volatility import implied_volatility

    if contract.implied_vol is not None:
        return contract.implied_vol
    price = contract.mid
    if price is None or price <= 0:
        return None
    flag = "c" if contract.kind == "call" else "p"
    try:
        vol = float(implied_volatility(price, spot, contract.strike, years, rate, flag))
    except Exception:  # below intrinsic, above the maximum: no volatility explains the price
        return None
    return vol if math.isfinite(vol) and 0 < vol <= 5 else None


def contract_greeks(
    kind: str, spot: float, strike: float, years: float, rate: float, vol: float
) -> dict[str, float]:
    """Delta, gamma, theta (per day) and vega (per point) of a European option."""
    from vollib.black_scholes.greeks.analytical import delta, gamma, theta, vega

    args = ("c" if kind == "call" else "p", spot, strike, years, rate, vol)
    return {
        "delta": float(delta(*args)),
        "gamma": float(gamma(*args)),
        "theta": float(theta(*args)),
        "vega": float(vega(*args)),
    }


def add_greeks(chain: OptionChain, rate: float, now: datetime) -> int:
    """Fill each contract's ``greeks`` (delta, gamma, theta, vega, and ``iv`` when implied
    here); the number of contracts that got them. Needs the underlying's price."""
    spot = chain.underlying_price
    if spot is None:
        return 0
    years = years_to_expiry(chain, now)
    done = 0
    for contract in (*chain.calls, *chain.puts):
        vol = implied_vol(contract, spot, years, rate)
        if vol is None:
            contract.greeks = {}
            continue
        contract.greeks = contract_greeks(contract.kind, spot, contract.strike, years, rate, vol)
        if contract.implied_vol is None:
            contract.greeks["iv"] = vol  # implied here, not the source's
        done += 1
    return done
