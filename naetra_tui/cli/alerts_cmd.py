"""``naetra-tui alerts``: add, list, remove, test a rule on history, and show what fired — so a
server running only the watcher can be set up without the app.

    naetra-tui alerts add AAPL "price > 250 and rsi < 30" [--notify NAME...] [--repeat 1h] [--expires 30d]
    naetra-tui alerts list [--json]
    naetra-tui alerts remove ID
    naetra-tui alerts test "sma50 cross above sma200" AAPL [--range 1Y] [--json]
    naetra-tui alerts log [--limit 50] [--json]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .output import err, out, out_json
from .runner import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, run_async

if TYPE_CHECKING:
    from ..config import LoadedConfig
    from ..services.alerts import Alert, AlertBook
    from ..services.session import Session


def duration(text: str) -> float:
    """Raises: argparse.ArgumentTypeError."""
    from ..services.alerts.model import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def expiry(text: str) -> float:
    """A date (``2027-01-31``, end of that day UTC) or a duration from now (``30d``)."""
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
        return day.timestamp() + 86399
    except ValueError:
        return time.time() + duration(text)


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="alerts_action", metavar="ACTION")
    add = actions.add_parser("add", help="add an alert: SYMBOL RULE (checked on history first)")
    add.add_argument("symbol", metavar="SYMBOL")
    add.add_argument("rule", metavar="RULE", help="e.g. 'price > 250 and rsi < 30' (quote it)")
    add.add_argument(
        "--notify", nargs="+", metavar="NAME", default=[], help="notifiers (default: all enabled)"
    )
    add.add_argument("--repeat", type=duration, metavar="DURATION",
                     help="fire again after this long while it holds (default: once, then re-arm)")  # fmt: skip
    add.add_argument("--expires", type=expiry, metavar="DATE|DURATION", help="2027-01-31 or 30d")
    listing = actions.add_parser("list", help="every alert, armed or fired (default)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    remove = actions.add_parser("remove", help="remove an alert by its id (see alerts list)")
    remove.add_argument("id", metavar="ID")
    test = actions.add_parser("test", help="when RULE would have fired on SYMBOL's daily bars")
    test.add_argument("rule", metavar="RULE")
    test.add_argument("symbol", metavar="SYMBOL")
    test.add_argument("--range", dest="range_name", default="1Y", help="1M 3M 6M YTD 1Y 2Y 5Y 10Y MAX")
    test.add_argument("--json", action="store_true", help="print JSON")
    history = actions.add_parser("log", help="what fired, when, and which notifiers delivered it")
    history.add_argument("--limit", type=int, default=50)
    history.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    return run_async(lambda: _run(args, loaded))


async def _run(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..core.errors import NaetraError
    from ..services.session import Phase, session_for

    action = args.alerts_action or "list"
    if action == "list":
        args.json = getattr(args, "json", False)
    phase = Phase.MARKET if action == "test" else Phase.ALL
    try:
        async with session_for(loaded, phase, require_storage=action != "test", notify=err) as session:
            if action == "test":
                return await _test(session, args)
            book = session.alerts
            for alert_id, why in book.unreadable.items():
                err(f"alert {alert_id} could not be read and is left as it is: {why}")
            if action == "add":
                return await _add(session, book, args)
            if action == "remove":
                return await _remove(book, args.id)
            if action == "log":
                return await _log(book, args)
            return _list(book, args.json)
    except NaetraError as exc:
        err(str(exc))
        return EXIT_FAILED


async def _test(session: Session, args: argparse.Namespace) -> int:
    from ..core.alert_rules import RuleError
    from ..services.alerts.backtest import backtest

    try:
        from ..services.alerts.model import rule_tree

        rule_tree(args.rule)
    except RuleError as exc:
        err(str(exc))
        return EXIT_CONFIG
    try:
        history = await session.market.history(args.symbol, "1D")
        result = backtest(args.rule, history, args.range_name)
    except ValueError as exc:
        err(str(exc))
        return EXIT_CONFIG
    if args.json:
        out_json(result.to_json())
    else:
        out(result.summary())
    return EXIT_OK


async def _add(session: Session, book: AlertBook, args: argparse.Namespace) -> int:
    from ..core.alert_rules import RuleError
    from ..core.errors import InvalidSymbol, NaetraError
    from ..services.alerts.backtest import backtest

    try:
        alert = await book.add(args.symbol, args.rule, tuple(args.notify), args.repeat, args.expires)
    except (RuleError, InvalidSymbol) as exc:
        err(str(exc))
        return EXIT_CONFIG
    out(f"added alert {alert.id}: {alert.text}")
    try:
        history = await session.market.history(alert.symbol, "1D")
        out("  on the last year: " + backtest(alert.rule, history, "1Y").summary())
    except NaetraError as exc:
        out(f"  (not tested on history: {exc})")
    return EXIT_OK


async def _remove(book: AlertBook, alert_id: str) -> int:
    alert = book.find(alert_id)
    if alert is None:
        err(f"no alert with the id '{alert_id[:20]}' (naetra-tui alerts list shows them)")
        return EXIT_CONFIG
    await book.delete(alert_id)
    out(f"removed alert {alert.id}: {alert.text}")
    return EXIT_OK


def _alert_json(alert: Alert) -> dict[str, Any]:
    return {"id": alert.id, **alert.to_record()}


def _when(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _list(book: AlertBook, as_json: bool) -> int:
    if as_json:
        out_json([_alert_json(a) for a in book.alerts])
        return EXIT_OK
    if not book.alerts:
        out("no alerts: add one with naetra-tui alerts add SYMBOL 'price > 250'")
    for alert in book.alerts:
        state = "armed" if alert.active else ("expired" if alert.note == "expired" else "fired")
        how = alert.how_often
        to = ", ".join(alert.notify) or "all notifiers"
        out(f"{alert.id}  {state:7s}  {alert.text}  ({how}, {to}; last fired {_when(alert.fired_at)})")
    return EXIT_OK


async def _log(book: AlertBook, args: argparse.Namespace) -> int:
    events = await book.log(max(1, min(args.limit, 1000)))
    if args.json:
        out_json([{"id": e.id, **e.to_record()} for e in events])
        return EXIT_OK
    if not events:
        out("nothing has fired yet")
    for event in events:
        delivered = "; ".join(f"{name}: {what}" for name, what in event.deliveries.items()) or "no notifier"
        out(f"{_when(event.at)}  {event.message}  [{delivered}]")
    return EXIT_OK
