"""What a collector may give besides prices: news, corporate events and option chains — and
the one place they are checked as they enter (``news_items``, ``corporate_events``,
``option_chain``), so no screen, command or chat ever sees a raw one.

Text is cleaned and cut to a length; a link is kept only if it is http(s), without
credentials; a time in the future or missing is said as unknown, never guessed; a price that is
not finite and positive is dropped, a bid above its ask drops both, an implied volatility
outside (0, 5] (500 %) is dropped — each with a count of what was refused, so a view can say
what it does not show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from .clock import utcnow
from .text import clean_line

MAX_TITLE = 300
MAX_PUBLISHER = 80
MAX_LINK = 2_000
MAX_NEWS = 100
#: Strikes kept per side of a chain (those nearest the money): a 5,000-strike answer is cut.
MAX_STRIKES = 600
MAX_IV = 5.0  # 500 % a year: above it a source's figure is an error, not a volatility
#: A news time this far ahead of our clock is a source's error: shown as unknown.
FUTURE_SLACK = timedelta(minutes=5)


def _text(value: object, limit: int) -> str:
    text = clean_line(value if value is not None else "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe_link(value: object) -> str | None:
    """An http(s) link without credentials, or None (``javascript:``, ``file:``, junk)."""
    if not isinstance(value, str) or len(value) > MAX_LINK:
        return None
    raw = clean_line(value).strip()
    try:
        parts = urlsplit(raw)
        port = parts.port  # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname + (f":{port}" if port else "")
    return urlunsplit((parts.scheme.lower(), host, parts.path, parts.query, parts.fragment))


def _when(value: object) -> datetime | None:
    """A UTC time from a datetime, an ISO string or epoch seconds; None if unknown or future."""
    when: datetime | None = None
    if isinstance(value, datetime):
        when = value
    elif (
        isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0
    ):
        try:
            when = datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if when is None:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return None if when > utcnow() + FUTURE_SLACK else when.astimezone(UTC)


def _field(raw: Any, key: str) -> Any:
    """``raw[key]`` of a dict, or the attribute of an object (None when absent)."""
    return raw.get(key) if isinstance(raw, dict) else getattr(raw, key, None)


def _price(value: object) -> float | None:
    """A finite price > 0, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and number > 0 else None


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(float(value)):
        return None
    return int(value) if value >= 0 else None


# --- news ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewsItem:
    symbol: str
    title: str
    publisher: str
    published_at: datetime | None  # None: the source gave none, or one in the future
    link: str | None  # http(s) only, no credentials
    related: tuple[str, ...]
    source: str
    simulated: bool = False


def news_items(raw: Any, symbol: str, source: str, simulated: bool, limit: int = MAX_NEWS) -> list[NewsItem]:
    """A collector's news (items or dicts with title, publisher, published_at, link, related),
    checked, newest first (unknown times last); items without a title are dropped."""
    out: list[NewsItem] = []
    for item in list(raw or [])[: MAX_NEWS * 2]:
        title = _text(_field(item, "title"), MAX_TITLE)
        if not title:
            continue
        related = _field(item, "related") or ()
        symbols = (
            tuple(_text(s, 20) for s in related if isinstance(s, str))[:10]
            if isinstance(related, list | tuple)
            else ()
        )
        out.append(
            NewsItem(
                symbol=symbol,
                title=title,
                publisher=_text(_field(item, "publisher"), MAX_PUBLISHER) or "unknown publisher",
                published_at=_when(_field(item, "published_at")),
                link=safe_link(_field(item, "link")),
                related=symbols,
                source=source,
                simulated=simulated,
            )
        )
    oldest = datetime.min.replace(tzinfo=UTC)
    out.sort(key=lambda n: n.published_at or oldest, reverse=True)
    return out[: max(0, min(limit, MAX_NEWS))]


# --- corporate events ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dividend:
    ex_date: date
    amount: float
    pay_date: date | None = None


@dataclass(frozen=True, slots=True)
class Split:
    on: date
    ratio: float  # new shares per old share (4.0 for a 4:1 split)


@dataclass(frozen=True, slots=True)
class CorporateEvents:
    symbol: str
    source: str
    simulated: bool
    fetched_at: datetime
    next_earnings: date | None = None
    earnings_eps_estimate: float | None = None
    dividends: tuple[Dividend, ...] = ()
    splits: tuple[Split, ...] = ()
    currency: str | None = None
    #: Said when there is nothing to show and why ("an index has no earnings or dividends").
    note: str = ""


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def corporate_events(raw: Any, symbol: str, source: str, simulated: bool) -> CorporateEvents:
    """A collector's events (a ``CorporateEvents`` or a dict of its fields), checked: amounts
    finite and > 0, dates real; at most the 12 latest dividends and splits."""
    dividends = []
    for d in list(_field(raw, "dividends") or [])[:200]:
        ex, amount = _day(_field(d, "ex_date")), _price(_field(d, "amount"))
        if ex is not None and amount is not None:
            dividends.append(Dividend(ex, amount, _day(_field(d, "pay_date"))))
    splits = []
    for s in list(_field(raw, "splits") or [])[:200]:
        on, ratio = _day(_field(s, "on")), _price(_field(s, "ratio"))
        if on is not None and ratio is not None:
            splits.append(Split(on, ratio))
    eps = _field(raw, "earnings_eps_estimate")
    return CorporateEvents(
        symbol=symbol,
        source=source,
        simulated=simulated,
        fetched_at=utcnow(),
        next_earnings=_day(_field(raw, "next_earnings")),
        earnings_eps_estimate=float(eps) if isinstance(eps, int | float) and math.isfinite(eps) else None,
        dividends=tuple(sorted(dividends, key=lambda d: d.ex_date)[-12:]),
        splits=tuple(sorted(splits, key=lambda s: s.on)[-12:]),
        currency=_text(_field(raw, "currency"), 8) or None,
        note=_text(_field(raw, "note"), 200),
    )


# --- options ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class OptionContract:
    kind: Literal["call", "put"]
    strike: float
    bid: float | None = None
    ask: float | None = None
    last: float | None = None
    volume: int | None = None
    open_interest: int | None = None
    implied_vol: float | None = None  # a fraction a year (0.25 = 25 %), the source's
    #: Computed here (services/research/greeks.py) from the chain, the underlying price and
    #: the configured risk-free rate; None where it cannot be (no price to imply a volatility).
    greeks: dict[str, float] = field(default_factory=dict)

    @property
    def mid(self) -> float | None:
        if self.bid is not None and self.ask is not None:
            return (self.bid + self.ask) / 2
        return self.last


@dataclass(slots=True)
class OptionChain:
    symbol: str
    expiry: date
    source: str
    simulated: bool
    fetched_at: datetime
    underlying_price: float | None
    calls: list[OptionContract]
    puts: list[OptionContract]
    #: What was refused or cut, in words, for the view to say.
    problems: list[str] = field(default_factory=list)


def strikes_near(chain: OptionChain, around: int) -> list[float]:
    """The chain's strikes (calls' and puts'), sorted: ``around`` each side of the one nearest
    the underlying's price (all of them when the price is unknown)."""
    strikes = sorted({c.strike for c in chain.calls} | {p.strike for p in chain.puts})
    spot = chain.underlying_price
    if spot is None or not strikes:
        return strikes
    nearest = min(range(len(strikes)), key=lambda i: abs(strikes[i] - spot))
    return strikes[max(0, nearest - around) : nearest + around + 1]


def _contract(raw: Any, kind: Literal["call", "put"], problems: dict[str, int]) -> OptionContract | None:
    strike = _price(_field(raw, "strike"))
    if strike is None:
        problems["a strike that is not a positive number"] += 1
        return None
    bid, ask, last = _price(_field(raw, "bid")), _price(_field(raw, "ask")), _price(_field(raw, "last"))
    if bid is not None and ask is not None and bid > ask:
        problems["bid above ask (both dropped)"] += 1
        bid = ask = None
    iv = _field(raw, "implied_vol")
    iv = float(iv) if isinstance(iv, int | float) and not isinstance(iv, bool) else None
    if iv is not None and not (math.isfinite(iv) and 0 < iv <= MAX_IV):
        problems[f"an implied volatility outside 0–{MAX_IV:.0%} (dropped)"] += 1
        iv = None
    return OptionContract(
        kind, strike, bid, ask, last, _count(_field(raw, "volume")), _count(_field(raw, "open_interest")), iv
    )


def option_chain(
    raw: Any, symbol: str, expiry: date, source: str, simulated: bool, underlying: float | None
) -> OptionChain:
    """A collector's chain for ``expiry`` (dicts or contracts under ``calls`` and ``puts``),
    checked; each side sorted by strike, one contract per strike, at most ``MAX_STRIKES``
    nearest the money."""
    problems: dict[str, int] = {
        "a strike that is not a positive number": 0,
        "bid above ask (both dropped)": 0,
        f"an implied volatility outside 0–{MAX_IV:.0%} (dropped)": 0,
    }
    said: list[str] = []
    underlying = _price(underlying)
    sides: dict[str, list[OptionContract]] = {}
    for kind in ("call", "put"):
        contracts = [
            c for r in list(_field(raw, f"{kind}s") or [])[:20_000] if (c := _contract(r, kind, problems))
        ]
        by_strike = {c.strike: c for c in contracts}  # one per strike: the last one given
        kept = sorted(by_strike.values(), key=lambda c: c.strike)
        if len(kept) > MAX_STRIKES:
            centre = underlying or kept[len(kept) // 2].strike
            nearest = sorted(kept, key=lambda c: abs(c.strike - centre))[:MAX_STRIKES]
            said.append(f"{len(kept):,} {kind} strikes: the {MAX_STRIKES} nearest the money are shown")
            kept = sorted(nearest, key=lambda c: c.strike)
        sides[kind] = kept
    said += [f"{n} contract{'s' if n != 1 else ''} with {why}" for why, n in problems.items() if n]
    return OptionChain(
        symbol, expiry, source, simulated, utcnow(), underlying, sides["call"], sides["put"], said
    )


def expirations(raw: Any, today: date) -> list[date]:
    """A collector's expiry dates: real dates, today or later, sorted, at most 60."""
    days = {d for d in (_day(v) for v in list(raw or [])[:1000]) if d is not None and d >= today}
    return sorted(days)[:60]
