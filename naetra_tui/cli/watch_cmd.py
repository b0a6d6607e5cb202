"""``naetra-tui watch``: check every stored alert on the configured schedule without the app —
for cron (``--once``), systemd or a server. Several watchers on one storage take turns: one
checks, the others stand by and take over when it stops."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .output import err
from .runner import EXIT_OK, run_async

if TYPE_CHECKING:
    from ..config import LoadedConfig


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="check once and exit (for cron)")
    parser.add_argument(
        "--interval", type=float, metavar="SECONDS", help="default: alerts.watch_interval (at least 1)"
    )


def run(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    return run_async(lambda: _watch(args, loaded))


async def _watch(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..services.alerts.watcher import Watcher
    from ..services.session import Phase, session_for

    async with session_for(loaded, Phase.ALL, require_storage=True, notify=err) as session:
        interval = max(1.0, args.interval) if args.interval else None
        await Watcher(session, err, interval).run(once=args.once)
    return EXIT_OK
