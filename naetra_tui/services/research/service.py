"""News, events and option chains, each from the first healthy collector that provides it (in
the failover order; its name is the source shown), checked where it enters, with Greeks on
every chain. A kind of data no enabled collector provides is said with the plugins that would."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from typing import TYPE_CHECKING, Any

from ...core.clock import utcnow
from ...core.errors import DataUnavailable, NaetraError, NotSupported
from ...core.research import (
    CorporateEvents,
    NewsItem,
    OptionChain,
    corporate_events,
    expirations,
    news_items,
    option_chain,
)
from ...core.symbols import normalize_symbol
from .greeks import add_greeks

if TYPE_CHECKING:
    from ..market import MarketService

#: A chain is kept this long (s): switching expiries back and forth reads no network.
CHAIN_TTL = 60.0
RISK_FREE_RATE = 0.04
#: At most this many symbols' news fetched at once for a watchlist's feed.
FEED_CONCURRENCY = 4

WHAT = {"supports_news": "news", "supports_events": "corporate events", "supports_options": "options"}


class ResearchService:
    """The research views' data, for the app, the CLI, the chat and the MCP server."""

    def __init__(self, market: MarketService, risk_free_rate: float = RISK_FREE_RATE) -> None:
        self.market = market
        self.risk_free_rate = risk_free_rate
        self._chains: dict[tuple[str, date], tuple[float, OptionChain]] = {}
        self._expiries: dict[str, tuple[float, list[date]]] = {}

    async def _first(self, ability: str, what: str, symbol: str, call: Any) -> tuple[Any, str, bool]:
        """(raw answer, collector name, simulated) from the first collector with ``ability``."""
        try:
            raw, name = await self.market.first_answer(what, call, ability=ability, symbol=symbol)
        except NotSupported as exc:
            raise NotSupported(f"{exc}{self._who_could(ability)}", symbol=symbol) from None
        collector = dict(self.market.collectors()).get(name)
        return raw, name, bool(getattr(collector, "simulated", False))

    def _who_could(self, ability: str) -> str:
        """The configured collectors that would provide it, in words (they are off or failed)."""
        from ..plugin_settings import plugin_class

        could = []
        for record in self.market.manager.records_of("data_collectors"):
            try:
                cls = (
                    type(record.instance)
                    if record.instance is not None
                    else plugin_class(record.entry, "data_collectors")
                )
            except NaetraError:
                continue
            if getattr(cls, ability, False):
                could.append(record.name)
        if not could:
            return " (no configured collector does)"
        return f" ({', '.join(could)} would: switch {'it' if len(could) == 1 else 'one'} on in the Plugins screen, p)"

    async def news(self, symbol: str, limit: int = 20) -> list[NewsItem]:
        """Newest first. Raises: InvalidSymbol, NotSupported, DataUnavailable."""
        symbol = normalize_symbol(symbol)
        what = f"news for {symbol}"
        raw, name, simulated = await self._first(
            "supports_news", what, symbol, lambda _, c: c.get_news(symbol, limit)
        )
        return news_items(raw, symbol, name, simulated, limit)

    async def feed(self, symbols: list[str], limit: int = 40) -> tuple[list[NewsItem], dict[str, str]]:
        """News across ``symbols``, newest first, one item per headline; and per symbol why it
        gave none (a slow or failing source delays only its own symbols)."""
        gate = asyncio.Semaphore(FEED_CONCURRENCY)
        problems: dict[str, str] = {}

        async def one(symbol: str) -> list[NewsItem]:
            async with gate:
                try:
                    return await self.news(symbol, 10)
                except NaetraError as exc:
                    problems[symbol] = str(exc)
                    return []

        found = [item for items in await asyncio.gather(*(one(s) for s in symbols)) for item in items]
        unique = list({n.title: n for n in reversed(found)}.values())  # one per headline: the first
        unique.sort(key=lambda n: n.published_at.timestamp() if n.published_at else 0.0, reverse=True)
        return unique[:limit], problems

    async def upcoming(
        self, symbols: list[str]
    ) -> tuple[list[tuple[date, str, CorporateEvents]], dict[str, str]]:
        """Upcoming events across ``symbols`` sorted by date: (day, what, the symbol's events)
        with what as "earnings" or "ex-dividend"; and per symbol why it gave none."""
        gate = asyncio.Semaphore(FEED_CONCURRENCY)
        problems: dict[str, str] = {}
        today = utcnow().date()

        async def one(symbol: str) -> CorporateEvents | None:
            async with gate:
                try:
                    return await self.events(symbol)
                except NaetraError as exc:
                    problems[symbol] = str(exc)
                    return None

        rows: list[tuple[date, str, CorporateEvents]] = []
        for found in await asyncio.gather(*(one(s) for s in symbols)):
            if found is None:
                continue
            if found.next_earnings and found.next_earnings >= today:
                rows.append((found.next_earnings, "earnings", found))
            rows += [(d.ex_date, "ex-dividend", found) for d in found.dividends if d.ex_date >= today][:1]
        rows.sort(key=lambda row: (row[0], row[2].symbol))
        return rows, problems

    async def events(self, symbol: str) -> CorporateEvents:
        """Raises: InvalidSymbol, NotSupported, DataUnavailable."""
        symbol = normalize_symbol(symbol)
        what = f"events for {symbol}"
        raw, name, simulated = await self._first(
            "supports_events", what, symbol, lambda _, c: c.get_events(symbol)
        )
        return corporate_events(raw, symbol, name, simulated)

    async def expirations(self, symbol: str) -> list[date]:
        """The expiry dates listed, soonest first (kept ``CHAIN_TTL`` s, as the chains are).
        Raises: as ``events``."""
        symbol = normalize_symbol(symbol)
        cached = self._expiries.get(symbol)
        if cached is not None and time.monotonic() - cached[0] < CHAIN_TTL:
            return cached[1]
        what = f"option expiries for {symbol}"
        raw, _, _ = await self._first(
            "supports_options", what, symbol, lambda _, c: c.get_option_expirations(symbol)
        )
        days = expirations(raw, utcnow().date())
        if not days:
            raise DataUnavailable(f"no option expiries listed for {symbol}", symbol=symbol)
        self._expiries[symbol] = (time.monotonic(), days)
        return days

    async def chain(self, symbol: str, expiry: date | None = None) -> OptionChain:
        """The chain for ``expiry`` (the nearest listed one by default), with Greeks. An expiry
        the source does not list is refused with the ones it does. Raises: as ``events``."""
        symbol = normalize_symbol(symbol)
        listed = await self.expirations(symbol)
        expiry = expiry or listed[0]
        if expiry not in listed:
            shown = ", ".join(d.isoformat() for d in listed[:8])
            raise DataUnavailable(
                f"{symbol} has no options expiring {expiry} (listed: {shown})", symbol=symbol
            )
        cached = self._chains.get((symbol, expiry))
        if cached is not None and time.monotonic() - cached[0] < CHAIN_TTL:
            return cached[1]
        what = f"the {symbol} option chain for {expiry}"
        raw, name, simulated = await self._first(
            "supports_options", what, symbol, lambda _, c: c.get_option_chain(symbol, expiry)
        )
        rows = await self.market.refresh([symbol])
        row = rows.get(symbol)
        spot = row.quote.price if row is not None and row.quote is not None else None
        chain = option_chain(raw, symbol, expiry, name, simulated, spot)
        add_greeks(chain, self.risk_free_rate, utcnow())
        self._chains[(symbol, expiry)] = (time.monotonic(), chain)
        return chain
