"""Headless subcommands: the same services as the app, printed for scripts and pipes."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import LoadedConfig


def _err(message: str) -> None:
    print(f"naetra-tui: {message}", file=sys.stderr)


async def quote(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from .services.session import session_for

    async with session_for(loaded) as session:
        rows = await session.market.refresh(args.symbols)
    if args.json:
        out = []
        for row in rows.values():
            item = {"symbol": row.symbol, "error": row.error, "stale": row.stale}
            if row.quote is not None:
                item |= row.quote.model_dump(mode="json") | {"change_pct": row.quote.change_pct}
            out.append(item)
        print(json.dumps(out, indent=1))
    else:
        for row in rows.values():
            q = row.quote
            if q is None:
                _err(f"{row.symbol}: {row.error}")
                continue
            change = f"{q.change_pct:+.2f}%" if q.change_pct is not None else "n/a"
            label = "SIMULATED" if q.simulated else q.source
            age = f"{q.age_seconds():.0f}s old"
            stale = " STALE" if row.stale else ""
            print(
                f"{q.symbol:10s} {q.price:>14,.4f} {change:>9s}  {q.market_state.value:6s} {label} · {age}{stale}"
            )
    return 0 if all(r.quote is not None for r in rows.values()) else 1


async def history(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from .core.errors import NaetraError
    from .services.session import session_for

    async with session_for(loaded) as session:
        try:
            bars = await session.market.history(args.symbol, args.timeframe, args.range_name)
        except (NaetraError, ValueError) as exc:
            _err(str(exc))
            return 1
    cols = bars.to_columns()
    if args.json:
        print(
            json.dumps(
                {
                    "symbol": bars.symbol,
                    "timeframe": bars.timeframe,
                    "source": bars.source,
                    "simulated": bars.simulated,
                    "bars": cols,
                }
            )
        )
        return 0
    writer = csv.writer(sys.stdout)
    writer.writerow(["time", "open", "high", "low", "close", "volume", "source"])
    label = "simulated" if bars.simulated else bars.source
    for i, stamp in enumerate(cols["timestamp"]):
        when = datetime.fromtimestamp(stamp, UTC).isoformat()
        writer.writerow(
            [
                when,
                cols["open"][i],
                cols["high"][i],
                cols["low"][i],
                cols["close"][i],
                cols["volume"][i],
                label,
            ]
        )
    return 0


async def analyze(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from .core.errors import InvalidSymbol
    from .services.analysis import AnalysisService
    from .services.session import session_for

    async with session_for(loaded) as session:
        service = AnalysisService(session.manager, session.market, session.state)
        try:
            await session.market.refresh([args.symbol])
            results = await service.analyze(args.symbol, args.timeframe, args.range_name)
        except (InvalidSymbol, ValueError) as exc:
            _err(str(exc))
            return 2
    if not results:
        _err("no analyzer is enabled (see plugins.analyzers in the config)")
        return 1
    if args.json:
        print(
            json.dumps(
                {
                    n: r.analysis.model_dump(mode="json") if r.analysis else {"error": r.error}
                    for n, r in results.items()
                },
                indent=1,
            )
        )
    else:
        for name, result in results.items():
            print(result.analysis.to_text() if result.analysis else f"[{name}] unavailable: {result.error}")
            print()
    return 0 if all(r.analysis for r in results.values()) else 1


async def ask(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from .core.errors import InvalidSymbol
    from .services.session import chat_service, session_for

    async with session_for(loaded) as session:
        chat = chat_service(session)
        failed = False
        try:
            async for event in chat.ask(args.question, args.symbol):
                if event.kind == "token":
                    sys.stdout.write(event.text)
                    sys.stdout.flush()
                elif event.kind in ("tool", "notice"):
                    print(f"[{event.text}]", file=sys.stderr)
                elif event.kind == "error":
                    if event.message is not None and event.message.content:
                        print("\n[answer interrupted]")
                    _err(event.text)
                    failed = True
        except InvalidSymbol as exc:
            _err(str(exc))
            return 2
    if not failed:
        print()
    return 1 if failed else 0
