"""``naetra-tui news SYMBOL...``, ``events [SYMBOL...]`` (default: the watchlist) and
``options SYMBOL [--expiry DATE]``: text by default, ``--json``, and ``--csv`` for the tables.
Each says its source and SIMULATED where it is; a symbol that fails says why on stderr and the
others still print (exit 1 then)."""

from __future__ import annotations

import argparse
import dataclasses
from datetime import date
from typing import TYPE_CHECKING, Any

from .output import err, out, out_json, write_csv
from .runner import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, run_async

if TYPE_CHECKING:
    from ..config import LoadedConfig
    from ..core.research import CorporateEvents, NewsItem, OptionChain
    from ..services.research import ResearchService
    from ..services.session import Session


def configure_news(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("symbols", nargs="+", metavar="SYMBOL")
    parser.add_argument("--limit", type=int, default=10, help="items per symbol (at most 100)")
    _formats(parser)


def configure_events(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("symbols", nargs="*", metavar="SYMBOL", help="default: the active watchlist")
    _formats(parser)


def configure_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("symbol", metavar="SYMBOL")
    parser.add_argument("--expiry", metavar="YYYY-MM-DD", help="default: the nearest listed")
    parser.add_argument(
        "--strikes", type=int, default=10, help="strikes each side of the money in the text view"
    )
    _formats(parser)


def _formats(parser: argparse.ArgumentParser) -> None:
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="print JSON")
    shown.add_argument("--csv", action="store_true", help="print CSV")


def _origin(source: str, simulated: bool) -> str:
    return "SIMULATED" if simulated else source


def _json(value: Any) -> Any:
    return (
        dataclasses.asdict(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type)
        else value
    )


# --- news ------------------------------------------------------------------------------------------


def run_news(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    return run_async(lambda: _research(loaded, lambda session: _news(session.research, args)))


async def _research(loaded: LoadedConfig, work: Any) -> int:
    """``work(session)`` on a Session started through the market phase (no analyzer, no LLM)."""
    from ..services.session import Phase, session_for

    async with session_for(loaded, Phase.MARKET, notify=err) as session:
        code: int = await work(session)
        return code


async def _news(research: ResearchService, args: argparse.Namespace) -> int:
    from ..core.errors import NaetraError

    failed, found = False, []
    for symbol in args.symbols:
        try:
            found.extend(await research.news(symbol, max(1, min(args.limit, 100))))
        except (NaetraError, ValueError) as exc:
            err(f"{symbol}: {exc}")
            failed = True
    if args.json:
        out_json([_json(n) for n in found])
    elif args.csv:
        write_csv([("symbol", "published_at", "publisher", "title", "link", "source"),
                   *((n.symbol, n.published_at, n.publisher, n.title, n.link, _origin(n.source, n.simulated)) for n in found)])  # fmt: skip
    else:
        for item in found:
            out(_news_line(item))
    return EXIT_FAILED if failed else EXIT_OK


def _news_line(item: NewsItem) -> str:
    from ..core.ages import format_age
    from ..core.clock import utcnow

    when = (
        format_age((utcnow() - item.published_at).total_seconds()) + " ago"
        if item.published_at
        else "time unknown"
    )
    link = f"\n    {item.link}" if item.link else ""
    return f"{item.symbol:8s} {when:>9s}  {item.title}  ({item.publisher} · {_origin(item.source, item.simulated)}){link}"


# --- events ----------------------------------------------------------------------------------------


def run_events(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    return run_async(lambda: _research(loaded, lambda session: _events(session, args)))


async def _events(session: Session, args: argparse.Namespace) -> int:
    from ..core.errors import NaetraError

    research = session.research
    symbols = list(args.symbols) or await session.active_watchlist()
    failed, found = False, []
    for symbol in symbols:
        try:
            found.append(await research.events(symbol))
        except (NaetraError, ValueError) as exc:
            err(f"{symbol}: {exc}")
            failed = True
    found.sort(key=lambda e: e.next_earnings or date.max)
    if args.json:
        out_json([_json(e) for e in found])
    elif args.csv:
        rows: list[tuple[Any, ...]] = [("symbol", "event", "date", "amount", "currency", "source")]
        for e in found:
            origin = _origin(e.source, e.simulated)
            if e.next_earnings:
                rows.append(
                    (e.symbol, "earnings", e.next_earnings, e.earnings_eps_estimate, e.currency, origin)
                )
            rows += [(e.symbol, "ex-dividend", d.ex_date, d.amount, e.currency, origin) for d in e.dividends]
            rows += [(e.symbol, "split", s.on, s.ratio, "", origin) for s in e.splits]
        write_csv(rows)
    else:
        for events in found:
            out(_events_line(events))
    return EXIT_FAILED if failed else EXIT_OK


def _events_line(e: CorporateEvents) -> str:
    from ..core.clock import utcnow

    today = utcnow().date()
    parts = []
    if e.next_earnings:
        days = (e.next_earnings - today).days
        estimate = (
            f", EPS estimate {e.earnings_eps_estimate:g}" if e.earnings_eps_estimate is not None else ""
        )
        parts.append(f"earnings {e.next_earnings} (in {days} day{'s' if days != 1 else ''}{estimate})")
    upcoming = [d for d in e.dividends if d.ex_date >= today]
    if upcoming:
        d = upcoming[0]
        paid = f", paid {d.pay_date}" if d.pay_date else ""
        parts.append(f"ex-dividend {d.ex_date}: {d.amount:g} {e.currency or ''}{paid}".replace("  ", " "))
    elif e.dividends:
        d = e.dividends[-1]
        parts.append(f"last ex-dividend {d.ex_date}: {d.amount:g} {e.currency or ''}".rstrip())
    if e.splits:
        parts.append(f"last split {e.splits[-1].on} ({e.splits[-1].ratio:g}:1)")
    said = "; ".join(parts) or e.note or "no upcoming events known"
    return f"{e.symbol:8s} {said}  ({_origin(e.source, e.simulated)})"


# --- options ---------------------------------------------------------------------------------------


def run_options(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    expiry = None
    if args.expiry:
        try:
            expiry = date.fromisoformat(args.expiry)
        except ValueError:
            err(f"--expiry {args.expiry[:20]!r} is not a date like 2026-12-18")
            return EXIT_CONFIG
    return run_async(lambda: _research(loaded, lambda session: _options(session.research, args, expiry)))


async def _options(research: ResearchService, args: argparse.Namespace, expiry: date | None) -> int:
    from ..core.errors import NaetraError

    try:
        chain = await research.chain(args.symbol, expiry)
    except (NaetraError, ValueError) as exc:
        err(str(exc))
        return EXIT_FAILED
    if args.json:
        out_json(_json(chain))
    elif args.csv:
        head = (
            "kind",
            "strike",
            "bid",
            "ask",
            "last",
            "volume",
            "open_interest",
            "iv",
            "delta",
            "gamma",
            "theta",
            "vega",
        )
        rows: list[tuple[Any, ...]] = [head]
        for c in (*chain.calls, *chain.puts):
            g = c.greeks
            iv = c.implied_vol if c.implied_vol is not None else g.get("iv")
            rows.append((c.kind, c.strike, c.bid, c.ask, c.last, c.volume, c.open_interest, iv,
                         g.get("delta"), g.get("gamma"), g.get("theta"), g.get("vega")))  # fmt: skip
        write_csv(rows)
    else:
        for line in _chain_lines(chain, max(1, args.strikes)):
            out(line)
    for problem in chain.problems:
        err(f"{chain.symbol} {chain.expiry}: {problem}")
    return EXIT_OK


def _cell(value: float | None, fmt: str) -> str:
    width = int(fmt.split(".")[0].rstrip("d") or 0)
    return format(value, fmt) if value is not None else "—".rjust(width)


def _chain_lines(chain: OptionChain, around: int) -> list[str]:
    """Calls left, puts right, by strike; the strikes nearest the money; the money line marked."""
    from ..core.research import strikes_near

    spot = chain.underlying_price
    strikes = strikes_near(chain, around)
    calls = {c.strike: c for c in chain.calls}
    puts = {p.strike: p for p in chain.puts}
    price = f"{spot:,.2f}" if spot is not None else "unknown"
    lines = [
        f"{chain.symbol} options expiring {chain.expiry} · underlying {price} · {_origin(chain.source, chain.simulated)}",
        f"{'bid':>8} {'ask':>8} {'IV':>6} {'delta':>6} {'OI':>7} │ {'strike':^9} │ {'bid':>8} {'ask':>8} {'IV':>6} {'delta':>6} {'OI':>7}",
    ]
    marked = False
    for strike in strikes:
        if spot is not None and not marked and strike >= spot:
            lines.append(f"{'─' * 40}┼{f' {price} '.center(11, '─')}┼{'─' * 40}")
            marked = True
        cells = []
        for c in (calls.get(strike), puts.get(strike)):
            if c is None:
                cells.append(f"{'':>8} {'':>8} {'':>6} {'':>6} {'':>7}")
                continue
            iv = c.implied_vol if c.implied_vol is not None else c.greeks.get("iv")
            cells.append(
                f"{_cell(c.bid, '8.2f')} {_cell(c.ask, '8.2f')} {_cell(iv * 100 if iv else None, '5.1f')}{'%' if iv else ' '} "
                f"{_cell(c.greeks.get('delta'), '6.2f')} {_cell(c.open_interest, '7d')}"
            )
        lines.append(f"{cells[0]} │ {strike:^9g} │ {cells[1]}")
    lines.append("Greeks computed here (Black-Scholes, vollib): theta per day, vega per volatility point.")
    return lines
