"""``naetra-tui portfolio``: print the positions (``--json``, ``--csv`` for cron jobs and
spreadsheets), ``portfolio add`` one lot, ``portfolio import FILE.csv`` many (all or nothing).
Lots added here go on the watchlist named Portfolio too, so the app shows them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from .output import err, out, out_json, write_csv
from .runner import EXIT_CONFIG, EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    from ..config import LoadedConfig

WATCHLIST = "Portfolio"


def configure(parser: argparse.ArgumentParser) -> None:
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print one JSON object")
    fmt.add_argument("--csv", action="store_true", help="print CSV: one row per position, then the total")
    actions = parser.add_subparsers(dest="portfolio_action", metavar="ACTION")
    add = actions.add_parser(
        "add", help="add one lot", description="add one lot (negative QUANTITY: a short)"
    )
    add.add_argument("symbol", metavar="SYMBOL")
    add.add_argument("quantity", metavar="QUANTITY")
    add.add_argument("price", metavar="PRICE")
    add.add_argument("--date", help="YYYY-MM-DD (default: today)")
    add.add_argument("--fees", default="0")
    add.add_argument("--currency", help="currency of PRICE (default: the quote's)")
    imp = actions.add_parser(
        "import",
        help="add lots from a CSV file (all or nothing)",
        description="columns symbol,quantity,price[,date,fees,currency], header required; a file "
        "with any bad row imports nothing and names each bad row",
    )
    imp.add_argument("file", metavar="FILE.csv")


def run(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from .runner import run_async

    return run_async(lambda: _run(args, loaded))


async def _run(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from pathlib import Path

    from ..core.portfolio import InvalidLot, check_lot
    from ..services.portfolio.csv_import import ImportRefused, parse_lots, read_text

    action = args.portfolio_action
    lots = []
    if action == "add":
        try:
            lots = [check_lot(args.symbol, args.quantity, args.price, args.date, args.fees, args.currency)]
        except InvalidLot as exc:
            err(f"{exc}; nothing was added")
            return EXIT_CONFIG
    elif action == "import":
        try:
            path = Path(args.file)
            lots = parse_lots(read_text(path), str(path))
        except ImportRefused as exc:
            err(str(exc))
            return EXIT_CONFIG
    return await (_save(lots, loaded) if lots else _show(args, loaded))


async def _save(lots: list[Any], loaded: LoadedConfig) -> int:
    from ..core.errors import NaetraError
    from ..services.session import Phase, session_for

    async with session_for(loaded, Phase.MARKET, require_storage=True, notify=err) as session:
        try:
            await session.portfolio.add(lots)  # pinned to their quotes' currency
        except NaetraError as exc:
            err(f"the lots were not saved: {exc}")
            return EXIT_FAILED
        symbols = sorted({lot.symbol for lot in lots})
        if WATCHLIST not in await session.state.watchlist_names():
            await session.state.create_watchlist(WATCHLIST, [])
        on_list = await session.state.watchlist_members(WATCHLIST)
        await session.state.add_symbols(WATCHLIST, [s for s in symbols if s not in on_list])
        pending = session.storage.pending
        if pending is not None and pending.unsaved:  # refused by the storage: kept, not saved
            err(
                f"not saved to {session.storage.location}: {pending.describe()}; "
                f"kept in {pending.journal} and saved by the next run that can reach it"
            )
            return EXIT_FAILED
    count = len(lots)
    out(
        f"added {count} lot{'s' if count != 1 else ''} of {len(symbols)} symbol{'s' if len(symbols) != 1 else ''}"
        f" ({', '.join(symbols[:10])}{', ...' if len(symbols) > 10 else ''}); on the watchlist {WATCHLIST}"
    )
    return EXIT_OK


async def _show(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..services.portfolio.report import CSV_COLUMNS, csv_rows, portfolio_dict
    from ..services.session import Phase, session_for

    async with session_for(loaded, Phase.MARKET, require_storage=True, notify=err) as session:
        value = await session.valued_portfolio()
    if args.json:
        out_json(portfolio_dict(value))
    elif args.csv:
        write_csv([CSV_COLUMNS, *csv_rows(value)])
    else:
        _print_table(value)
    return EXIT_OK if not value.incomplete else EXIT_FAILED


def _print_table(value: Any) -> None:
    from ..core.models import format_age
    from ..services.portfolio.fmt import money, percent
    from ..services.portfolio.report import rates_line, summary_line

    if not value.positions:
        out("No positions yet: naetra-tui portfolio add SYMBOL QUANTITY PRICE, or + on a watchlist row.")
        return
    out(f"{'symbol':10s} {'qty':>10s} {'avg cost':>14s} {'price':>14s} {'value':>16s} {'day P&L':>14s} "
        f"{'total P&L':>16s} {'%':>8s} {'weight':>7s}  source")  # fmt: skip
    for p in value.positions:
        if not p.lots:
            continue
        q = p.quote
        src = f"{'SIMULATED' if q.simulated else q.source} {format_age(q.age_seconds())}" if q else ""
        pct = percent(p.total_pct)
        weight = "n/a" if p.weight is None else f"{p.weight:.1f}%"
        out(
            f"{p.symbol:10s} {p.quantity:>10g} {money(p.average_cost, p.currency):>14s} "
            f"{money(p.price, p.currency):>14s} {money(p.value, p.currency):>16s} "
            f"{money(p.day_pnl, p.currency, True):>14s} {money(p.total_pnl, p.currency, True):>16s} "
            f"{pct:>8s} {weight:>7s}  {src}{' STALE' if p.stale else ''}{'  ' + p.problem if p.problem else ''}"
        )
    out(f"Total in {value.base}: {summary_line(value)} (cost basis: average cost)")
    if value.rates:
        out(rates_line(value))
    for why in value.incomplete:
        out(f"left out of the totals: {why}")
