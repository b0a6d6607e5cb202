"""Portfolio performance from a daily value series and the money that went in and out: the
time-weighted return (TWR: the manager's skill, flows removed), the money-weighted return
(XIRR, with pyxirr: the investor's experience, flows' timing in), volatility, Sharpe ratio and
beta (empyrical-reloaded), and the maximum drawdown with its dates.

Conventions, stated because figures depend on them: values are end-of-day in the base currency;
a flow (a buy: money in, positive; a sale: money out, negative) happens at the day's close, so
day ``i``'s return is ``(V[i] - F[i]) / V[i-1] - 1``; a day that starts from nothing has no
return. 252 trading days make a year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

TRADING_DAYS = 252


def daily_returns(values: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """Return of each day after the first (NaN where the day starts from nothing)."""
    before = values[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        returns = np.where(before > 0, (values[1:] - flows[1:]) / before - 1.0, np.nan)
    return np.asarray(returns, dtype=float)


def time_weighted(returns: np.ndarray) -> float | None:
    known = returns[np.isfinite(returns)]
    return float(np.prod(1.0 + known) - 1.0) if known.size else None


def money_weighted(days: list[date], amounts: list[float]) -> float | None:
    """XIRR of the investor's cash flows (negative: paid in; positive: taken out or held at the
    end). None when it has no answer (all one sign, or no solution)."""
    import pyxirr

    if len(days) < 2 or not any(a > 0 for a in amounts) or not any(a < 0 for a in amounts):
        return None
    try:
        rate = pyxirr.xirr(days, amounts)
    except (pyxirr.InvalidPaymentsError, ValueError):
        return None
    return float(rate) if rate is not None and math.isfinite(rate) else None


@dataclass(frozen=True)
class Drawdown:
    depth: float  # -0.25: a 25 % fall from the peak
    peak: date
    trough: date
    recovered: date | None


def max_drawdown(returns: np.ndarray, days: list[date]) -> Drawdown | None:
    """The deepest fall of the growth of 1 (``days[i+1]`` is the day of ``returns[i]``)."""
    if not len(returns):
        return None
    growth = np.concatenate([[1.0], np.cumprod(1.0 + np.nan_to_num(returns, nan=0.0))])
    peaks = np.maximum.accumulate(growth)
    falls = growth / peaks - 1.0
    trough = int(np.argmin(falls))
    if falls[trough] >= 0:
        return None
    peak = int(np.argmax(growth[: trough + 1]))
    later = np.flatnonzero(growth[trough:] >= growth[peak])
    recovered = days[trough + int(later[0])] if later.size else None
    return Drawdown(float(falls[trough]), days[peak], days[trough], recovered)


def risk_figures(returns: np.ndarray, benchmark: np.ndarray | None, risk_free: float) -> dict[str, Any]:
    """Annual volatility, Sharpe ratio (against ``risk_free`` a year) and beta to the benchmark
    (on the days both have a return), with empyrical-reloaded."""
    import empyrical
    import pandas as pd

    known = np.isfinite(returns)
    out: dict[str, Any] = {"volatility": None, "sharpe": None, "beta": None}
    if known.sum() < 2:
        return out
    series = pd.Series(returns[known])
    daily_rf = (1 + risk_free) ** (1 / TRADING_DAYS) - 1
    out["volatility"] = _finite(empyrical.annual_volatility(series))
    out["sharpe"] = _finite(empyrical.sharpe_ratio(series, risk_free=daily_rf))
    if benchmark is not None:
        both = known & np.isfinite(benchmark)
        if both.sum() >= 2:
            out["beta"] = _finite(empyrical.beta(pd.Series(returns[both]), pd.Series(benchmark[both])))
    return out


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None
