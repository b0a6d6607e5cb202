"""The simulated feed's news, corporate events and option chains: deterministic (the same seed
and day give the same answer), plausible, and marked simulated like everything it returns.

Option prices come from Black-Scholes at the volatility the feed's prices move with (with a
small smile), so Greeks and implied volatilities computed from the chain agree with the feed.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np

HEADLINES = (
    "{name} shares move as traders weigh the outlook",
    "Analysts revisit {symbol} price targets after recent trading",
    "{name} announces date for quarterly results",
    "What the options market implies for {symbol}",
    "{name} in focus as sector rotation continues",
    "Volume picks up in {symbol} ahead of earnings",
    "{name} management to present at investor conference",
    "Index changes could lift demand for {symbol}",
)
#: For what is not a company (an index, a currency pair, a cryptocurrency): no results, no management.
MARKET_HEADLINES = (
    "{name} moves as traders weigh rate expectations",
    "Volatility in {name} picks up",
    "{name} steadies after recent swings",
    "Positioning data show shifting bets on {symbol}",
)
PUBLISHERS = ("Simulated Wire", "Example Markets Daily", "Offline Financial News")
#: Instruments with earnings and dividends; the others (indices, currencies, crypto) have none.
HAS_EVENTS = ("EQUITY", "ETF")


def _rng(*parts: object) -> np.random.Generator:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return np.random.default_rng(int.from_bytes(digest, "big"))


def news(symbol: str, name: str, kind: str, seed: int, now: datetime, limit: int) -> list[dict[str, Any]]:
    """About one item a day for the last fortnight, newest first (company headlines only for
    shares and funds)."""
    rng = _rng(seed, symbol, "news", now.date())
    templates = HEADLINES if kind in HAS_EVENTS else MARKET_HEADLINES
    items = []
    for i in range(min(limit, 14)):
        published = now - timedelta(hours=float(6 + i * 24 + rng.uniform(0, 12)))
        headline = templates[int(rng.integers(len(templates)))].format(name=name, symbol=symbol)
        items.append(
            {
                "title": f"[SIMULATED] {headline}",
                "publisher": PUBLISHERS[int(rng.integers(len(PUBLISHERS)))],
                "published_at": published,
                "link": f"https://news.example.invalid/{symbol.lower()}/{published:%Y%m%d}-{i}",
                "related": [symbol],
            }
        )
    return items


def events(symbol: str, kind: str, price: float, currency: str, seed: int, today: date) -> dict[str, Any]:
    """Next earnings within the quarter, four quarterly dividends (the next one included) for
    shares and funds; none, said plainly, for the others."""
    if kind not in HAS_EVENTS:
        what = {"INDEX": "an index", "CURRENCY": "a currency pair", "CRYPTOCURRENCY": "a cryptocurrency"}
        return {"note": f"{symbol} is {what.get(kind, 'not a company')}: no earnings or dividends"}
    rng = _rng(seed, symbol, "events")
    offset = int(rng.integers(0, 91))  # its place in the quarterly cycle, fixed per symbol
    cycle = (today.toordinal() + offset) % 91
    next_earnings = today + timedelta(days=91 - cycle if cycle else 91)
    if next_earnings.weekday() >= 5:
        next_earnings += timedelta(days=7 - next_earnings.weekday())
    out: dict[str, Any] = {"currency": currency}
    if kind == "EQUITY":  # a fund reports no earnings; it pays dividends
        out["next_earnings"] = next_earnings
        out["earnings_eps_estimate"] = round(price / float(rng.uniform(60, 160)), 2)
    if float(rng.uniform()) < 0.7:  # most pay
        amount = round(price * float(rng.uniform(0.002, 0.008)), 2) or 0.01
        first_ex = next_earnings + timedelta(days=int(rng.integers(10, 30)))
        out["dividends"] = [
            {
                "ex_date": first_ex - timedelta(days=91 * k),
                "amount": amount,
                "pay_date": first_ex - timedelta(days=91 * k - 14),
            }
            for k in range(4)
        ]
    return out


def expirations(today: date, count: int = 8) -> list[date]:
    """The next Fridays for a month, then the third Friday of the following months."""
    fridays = [today + timedelta(days=(4 - today.weekday()) % 7 + 7 * w) for w in range(5)]
    monthly: list[date] = []
    year, month = today.year, today.month
    while len(monthly) < count - len(fridays):
        month = month % 12 + 1
        year += month == 1
        first = date(year, month, 1)
        monthly.append(first + timedelta(days=(4 - first.weekday()) % 7 + 14))
    return sorted({d for d in fridays + monthly if d >= today})


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def chain(
    symbol: str, price: float, volatility: float, seed: int, now: datetime, expiry: date
) -> dict[str, Any]:
    """Strikes around the price (about ±40 %), priced with Black-Scholes at the feed's
    annual volatility plus a smile; a bid/ask spread, volume and open interest."""
    step = _strike_step(price)
    low, high = math.floor(price * 0.6 / step), math.ceil(price * 1.4 / step)
    strikes = np.arange(max(low, 1), high + 1) * step
    close = datetime.combine(expiry, time(20, 0), UTC)
    years = max((close - now).total_seconds(), 3600.0) / (365.0 * 86400)
    annual = volatility * math.sqrt(252)
    moneyness = np.log(strikes / price)
    iv = annual * (1 + 0.8 * moneyness**2) + 0.01  # a smile: the wings cost more
    rate = 0.04
    d1 = (np.log(price / strikes) + (rate + iv**2 / 2) * years) / (iv * math.sqrt(years))
    d2 = d1 - iv * math.sqrt(years)
    discount = math.exp(-rate * years)
    calls = price * _norm_cdf(d1) - strikes * discount * _norm_cdf(d2)
    puts = strikes * discount * _norm_cdf(-d2) - price * _norm_cdf(-d1)
    rng = _rng(seed, symbol, "options", expiry, now.date())
    interest = (4000 * np.exp(-8 * moneyness**2) * rng.uniform(0.5, 1.5, len(strikes))).astype(int)
    traded = (interest * rng.uniform(0.02, 0.3, len(strikes))).astype(int)

    def side(values: np.ndarray, shift: int) -> list[dict[str, Any]]:
        out = []
        for i, strike in enumerate(strikes):
            fair = float(values[i])
            spread = max(0.01, fair * 0.04)
            bid = round(fair - spread / 2, 2)
            out.append(
                {
                    "strike": float(strike),
                    "bid": bid if bid > 0 else None,
                    "ask": round(fair + spread / 2, 2) if fair + spread / 2 >= 0.01 else None,
                    "last": round(fair, 2) if fair >= 0.01 else None,
                    "volume": int(traded[(i + shift) % len(strikes)]),
                    "open_interest": int(interest[(i + shift) % len(strikes)]),
                    "implied_vol": float(iv[i]),
                }
            )
        return out

    return {"calls": side(calls, 0), "puts": side(puts, 1)}


def _strike_step(price: float) -> float:
    for limit, step in ((5, 0.5), (25, 1.0), (100, 2.5), (250, 5.0), (1000, 10.0), (5000, 50.0)):
        if price < limit:
            return step
    return 10 ** math.floor(math.log10(price) - 1)
