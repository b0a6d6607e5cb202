"""News, events and option chains for the chat: as compact text for the model (a tool result, or
the context of a question about them) and as typed values for the figure check (a dividend
amount, an EPS estimate, a strike's bid, ask, IV and delta)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...core.ages import format_age
from ...core.clock import utcnow
from ...core.errors import NaetraError
from ...core.research import CorporateEvents, NewsItem, OptionChain, OptionContract, strikes_near
from .attribution import Fact

if TYPE_CHECKING:
    from ..research import ResearchService

#: A question about these gets the research data in its context (models without tools).
_ABOUT_EVENTS = re.compile(r"earning|dividend|ex-div|split|report|calendar|payout", re.I)
_ABOUT_NEWS = re.compile(r"\bnews|headline|why did|why is|what happened|announce", re.I)
_ABOUT_OPTIONS = re.compile(r"option|strike|\bcalls?\b|\bputs?\b|expir|greek|implied vol|\bIV\b", re.I)
#: Strikes each side of the money given to the model (a whole chain would crowd the context).
AROUND_THE_MONEY = 6


def _origin(source: str, simulated: bool) -> str:
    return "SIMULATED (not real market data)" if simulated else source


def news_text(symbol: str, items: list[NewsItem]) -> str:
    if not items:
        return f"news {symbol}: none found"
    origin = _origin(items[0].source, items[0].simulated)
    lines = [f"news {symbol} · source {origin}:"]
    for item in items[:10]:
        when = f"{item.published_at:%Y-%m-%d %H:%M} UTC" if item.published_at else "time unknown"
        lines.append(f"- {when} · {item.publisher}: {item.title}")
    return "\n".join(lines)


def events_text(e: CorporateEvents) -> str:
    today = utcnow().date()
    age = format_age(max(0.0, (utcnow() - e.fetched_at).total_seconds()))
    parts = [f"events {e.symbol} · source {_origin(e.source, e.simulated)} · fetched {age} ago:"]
    if e.next_earnings:
        estimate = f", EPS estimate {e.earnings_eps_estimate}" if e.earnings_eps_estimate is not None else ""
        parts.append(f"next earnings {e.next_earnings} (in {(e.next_earnings - today).days} days{estimate})")
    for d in e.dividends[-4:]:
        paid = f", paid {d.pay_date}" if d.pay_date else ""
        parts.append(f"dividend ex-date {d.ex_date} amount {d.amount} {e.currency or ''}{paid}".rstrip())
    for s in e.splits[-2:]:
        parts.append(f"split {s.on} ratio {s.ratio}:1")
    if len(parts) == 1:
        parts.append(e.note or "no upcoming events known")
    return "\n".join(parts)


def chain_text(chain: OptionChain, around: int = AROUND_THE_MONEY) -> str:
    spot = chain.underlying_price
    lines = [
        f"options {chain.symbol} expiring {chain.expiry} · underlying {spot if spot is not None else 'unknown'} · "
        f"source {_origin(chain.source, chain.simulated)} · Greeks computed locally (theta per day, vega per point)"
    ]
    for side in (chain.calls, chain.puts):
        for c in _near(chain, side, around):
            iv = c.implied_vol if c.implied_vol is not None else c.greeks.get("iv")
            g = c.greeks
            lines.append(
                f"{c.kind} strike {c.strike:g}: bid {c.bid} ask {c.ask} last {c.last} volume {c.volume} "
                f"open interest {c.open_interest} IV {f'{iv * 100:.1f}%' if iv else 'n/a'} "
                f"delta {g.get('delta', float('nan')):.2f} gamma {g.get('gamma', float('nan')):.4f} "
                f"theta {g.get('theta', float('nan')):.3f} vega {g.get('vega', float('nan')):.3f}"
            )
    lines += [f"note: {p}" for p in chain.problems]
    return "\n".join(lines)


def _near(chain: OptionChain, side: list[OptionContract], around: int) -> list[OptionContract]:
    near = set(strikes_near(chain, around))
    return [c for c in side if c.strike in near]


def events_facts(e: CorporateEvents) -> list[Fact]:
    made = [Fact(e.symbol, "dividend", d.amount, e.source, e.fetched_at, e.simulated) for d in e.dividends]
    if e.earnings_eps_estimate is not None:
        made.append(
            Fact(e.symbol, "eps estimate", e.earnings_eps_estimate, e.source, e.fetched_at, e.simulated)
        )
    made += [Fact(e.symbol, "split ratio", s.ratio, e.source, e.fetched_at, e.simulated) for s in e.splits]
    return made


def chain_facts(chain: OptionChain, around: int = AROUND_THE_MONEY) -> list[Fact]:
    made: list[Fact] = []

    def fact(name: str, value: float | None, percent: bool = False) -> None:
        if value is not None:
            made.append(
                Fact(
                    chain.symbol, name, float(value), chain.source, chain.fetched_at, chain.simulated, percent
                )
            )

    for side in (chain.calls, chain.puts):
        for c in _near(chain, side, around):
            fact("strike", c.strike)
            for name in ("bid", "ask", "last"):
                fact(f"{c.kind} {name}", getattr(c, name))
            fact(f"{c.kind} open interest", c.open_interest)
            iv = c.implied_vol if c.implied_vol is not None else c.greeks.get("iv")
            fact(f"{c.kind} iv", iv * 100 if iv is not None else None, percent=True)
            for greek in ("delta", "gamma", "theta", "vega"):
                fact(f"{c.kind} {greek}", c.greeks.get(greek))
    return made


async def research_context(
    research: ResearchService | None, symbol: str, question: str
) -> tuple[list[str], list[str], list[Fact]]:
    """For a question about events, news or options of ``symbol``: context lines, grounding
    labels and typed values (nothing for other questions; a failure is said in the context)."""
    if research is None:
        return [], [], []
    parts: list[str] = []
    labels: list[str] = []
    facts: list[Fact] = []
    try:
        if _ABOUT_EVENTS.search(question):
            events = await research.events(symbol)
            parts.append(events_text(events))
            facts += events_facts(events)
            labels.append(f"events {symbol} · {'SIMULATED' if events.simulated else events.source}")
        if _ABOUT_NEWS.search(question):
            parts.append(news_text(symbol, await research.news(symbol, 10)))
            labels.append(f"news {symbol}")
        if _ABOUT_OPTIONS.search(question):
            chain = await research.chain(symbol)
            parts.append(chain_text(chain))
            facts += chain_facts(chain)
            labels.append(
                f"options {symbol} {chain.expiry} · {'SIMULATED' if chain.simulated else chain.source}"
            )
    except NaetraError as exc:  # said in the context: the model must not guess instead
        parts.append(f"research data for {symbol}: unavailable ({exc})")
    return parts, labels, facts
