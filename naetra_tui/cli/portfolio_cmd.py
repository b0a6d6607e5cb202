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


def _portfolio_option(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument(
        "--portfolio", metavar="NAME", default=default, help="the portfolio (default: Main; 'all': every one)"
    )


def configure(parser: argparse.ArgumentParser) -> None:
    _portfolio_option(parser)
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
    imp.add_argument(
        "--map",
        metavar="COLUMN=FIELD,...",
        help="use a broker's export: its columns mapped to symbol, quantity, price, date, fees, currency "
        "(e.g. ticker=symbol,shares=quantity,cost=price); other columns are ignored, totals rows skipped",
    )
    imp.add_argument("--dry-run", action="store_true", help="show what would be imported; write nothing")
    sell = actions.add_parser(
        "sell",
        help="sell part or all of a position (FIFO or average cost)",
        description="sell QUANTITY of SYMBOL at PRICE: the lots are taken by portfolio.cost_method "
        "(fifo: the oldest first; average: a share of each) and the realised P&L is printed",
    )
    sell.add_argument("symbol", metavar="SYMBOL")
    sell.add_argument("quantity", metavar="QUANTITY")
    sell.add_argument("price", metavar="PRICE")
    sell.add_argument("--date", help="YYYY-MM-DD (default: today)")
    sell.add_argument("--fees", default="0")
    sell.add_argument("--method", choices=["fifo", "average"], help="default: portfolio.cost_method")
    sell.add_argument(
        "--allow-short", action="store_true", help="sell more than held: the rest opens a short"
    )
    actions.add_parser("list", help="the portfolios, each with its positions and value")
    perf = actions.add_parser(
        "performance",
        help="value over time against the benchmark; TWR, XIRR, volatility, drawdown, Sharpe, beta",
    )
    perf.add_argument("--period", default="1Y", help="1M 3M YTD 1Y ALL (default 1Y)")
    shown = perf.add_mutually_exclusive_group()
    shown.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON (with the daily series)"
    )
    shown.add_argument(
        "--csv", action="store_true", default=argparse.SUPPRESS, help="print the daily series as CSV"
    )
    for sub in (add, imp, sell, perf):  # after the action too: portfolio add ... --portfolio Growth
        _portfolio_option(sub, argparse.SUPPRESS)


def run(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from .runner import run_async

    return run_async(lambda: _run(args, loaded))


async def _run(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from pathlib import Path

    from ..core.portfolio import InvalidLot, check_lot, check_portfolio_name
    from ..services.portfolio.csv_import import ImportRefused, parse_mapping, plan_import, read_text

    action = args.portfolio_action
    if args.portfolio is not None and args.portfolio.strip().lower() != "all":
        try:
            args.portfolio = check_portfolio_name(args.portfolio)
        except InvalidLot as exc:
            err(str(exc))
            return EXIT_CONFIG
    if action == "sell":
        return await _sell(args, loaded)
    if action == "list":
        return await _list(loaded)
    if action == "performance":
        return await _performance(args, loaded)
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
            mapping = parse_mapping(args.map) if args.map else None
            plan = plan_import(read_text(path), str(path), mapping=mapping)
        except ImportRefused as exc:
            err(str(exc))
            return EXIT_CONFIG
        lots = plan.lots
        for why in plan.skipped:
            err(f"skipped {why}")
        if plan.ignored_columns:
            err(
                f"ignored column{'s' if len(plan.ignored_columns) > 1 else ''}: {', '.join(plan.ignored_columns)[:300]}"
            )
        if args.dry_run:
            for lot in lots:
                out(f"would add {lot.quantity:g} {lot.symbol} at {lot.price:g} on {lot.opened}"
                    f"{f' (fees {lot.fees:g})' if lot.fees else ''}{f' {lot.currency}' if lot.currency else ''}")  # fmt: skip
            out(
                f"dry run: {len(lots)} lot(s) would be imported, {len(plan.skipped)} row(s) skipped; nothing written"
            )
            return EXIT_OK
    return await (_save(lots, loaded, args.portfolio) if lots else _show(args, loaded))


def _choose(session: Any, name: str | None) -> None:
    """The portfolio a command works on: the one named, else Main (never the app's last one:
    a script gets the same answer whatever the app showed)."""
    session.portfolio.switch(name or "Main")


async def _list(loaded: LoadedConfig) -> int:
    from ..services.portfolio.report import summary_line
    from ..services.session import Phase, session_for

    async with session_for(loaded, Phase.MARKET, require_storage=True, notify=err) as session:
        service = session.portfolio
        await service.load()
        names = service.portfolios()
        for name in [*names, "all"]:
            service.switch(name)
            value = await service.refresh()
            out(f"{name if name != 'all' else 'All together':16s} {summary_line(value)}")
    return EXIT_OK


async def _save(lots: list[Any], loaded: LoadedConfig, portfolio: str | None) -> int:
    from ..core.errors import NaetraError
    from ..services.session import Phase, session_for

    async with session_for(loaded, Phase.MARKET, require_storage=True, notify=err) as session:
        _choose(session, portfolio if portfolio != "all" else None)
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


async def _performance(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..services.portfolio.performance import PerformanceService, summary_lines
    from ..services.session import Phase, session_for

    async with session_for(loaded, Phase.MARKET, require_storage=True, notify=err) as session:
        _choose(session, args.portfolio)
        await session.portfolio.load()
        settings = loaded.config.portfolio
        service = PerformanceService(session.portfolio, session.market, settings.benchmark,
                                     loaded.config.research.risk_free_rate)  # fmt: skip
        try:
            report = await service.report(args.period)
        except ValueError as exc:
            err(str(exc))
            return EXIT_CONFIG
    if args.json:
        out_json(report.to_json())
    elif args.csv:
        write_csv([("date", "value", "invested", f"benchmark {report.benchmark_symbol} (rebased)"),
                   *zip(report.days, report.value, report.invested, report.benchmark, strict=True)])  # fmt: skip
    else:
        for line in summary_lines(report):
            out(line)
    return EXIT_OK if not report.incomplete else EXIT_FAILED


async def _sell(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..core.clock import today
    from ..core.errors import InvalidSymbol, NaetraError
    from ..core.portfolio import InvalidLot, number, parse_day
    from ..core.sales import InvalidSale
    from ..services.portfolio.fmt import money
    from ..services.session import Phase, session_for

    try:
        quantity = number("quantity", args.quantity, low=0.0, high=1e12)
        price = number("price", args.price, low=0.0, high=1e9)
        fees = number("fees", args.fees, low=0.0, high=1e9)
        on = parse_day(args.date, today()) if args.date else None
    except InvalidLot as exc:
        err(f"{exc}; nothing was sold")
        return EXIT_CONFIG
    async with session_for(loaded, Phase.MARKET, require_storage=True, notify=err) as session:
        _choose(session, args.portfolio)
        try:
            plan = await session.portfolio.sell(
                args.symbol, quantity, price, on, fees, args.method, args.allow_short
            )
        except (InvalidSale, InvalidSymbol) as exc:
            err(f"{exc}; nothing was sold")
            return EXIT_CONFIG
        except NaetraError as exc:
            err(f"not sold: {exc}")
            return EXIT_FAILED
        pending = session.storage.pending
        if pending is not None and pending.unsaved:
            err(f"not saved to {session.storage.location}: {pending.describe()}; kept in {pending.journal}")
            return EXIT_FAILED
    currency = plan.closed[0].lot.currency if plan.closed else None
    parts = ", ".join(f"{c.lot.quantity:g} bought {c.lot.opened} at {c.lot.price:g}" for c in plan.closed)
    out(f"sold {plan.quantity:g} {plan.symbol} at {plan.price:g} ({plan.method}): {parts}")
    out(f"realised P&L {money(plan.realised, currency, True)} (fees of both sides included)")
    if plan.short is not None:
        out(f"opened a short of {-plan.short.quantity:g} {plan.symbol} at {plan.price:g}")
    return EXIT_OK


async def _show(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..services.portfolio.report import CSV_COLUMNS, csv_rows, portfolio_dict
    from ..services.session import Phase, session_for

    async with session_for(loaded, Phase.MARKET, require_storage=True, notify=err) as session:
        _choose(session, args.portfolio)
        value = await session.valued_portfolio()
        shown = session.portfolio.current or "all"
    if args.json:
        out_json({"portfolio": shown, **portfolio_dict(value)})
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
