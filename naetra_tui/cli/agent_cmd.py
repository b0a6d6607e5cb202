"""``naetra-tui mcp`` (serve the data to AI assistants) and ``naetra-tui proposals`` (the
changes they proposed: list, accept, reject)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from .output import err, out
from .runner import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, run_async

if TYPE_CHECKING:
    from ..config import LoadedConfig


def configure_mcp(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--http",
        nargs="?",
        const="8765",
        metavar="[HOST:]PORT",
        help="serve over streamable HTTP (default 127.0.0.1:8765) instead of stdio; an address "
        "beyond loopback needs the bearer token it prints once",
    )


def run_mcp(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..core.errors import ConfigurationError
    from ..mcp.run import parse_address, serve

    if args.http is not None:
        try:
            parse_address(args.http)
        except ConfigurationError as exc:
            err(str(exc))
            return EXIT_CONFIG
    return run_async(lambda: serve(loaded, args.http))


def configure_proposals(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")
    actions = parser.add_subparsers(dest="proposal_action", metavar="ACTION")
    actions.add_parser("list", help="list the proposals (default)")
    for verb in ("accept", "reject"):
        sub = actions.add_parser(verb, help=f"{verb} a proposal")
        sub.add_argument("id", metavar="ID")


def run_proposals(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    return run_async(lambda: _proposals(args, loaded))


async def _proposals(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..core.errors import NaetraError
    from ..services.proposals import InvalidProposal
    from ..services.session import session_for

    action = args.proposal_action or "list"
    async with session_for(loaded, require_storage=True, notify=err) as session:
        book = session.proposals
        try:
            if action == "list":
                found = await book.all()
                if args.json:
                    out(json.dumps([p.to_record() | {"summary": p.summary} for p in found], indent=1))
                elif not found:
                    out("No proposals.")
                for p in found if not args.json else []:
                    out(f"{p.id}  {p.status:8s}  {p.summary}")
                    out(
                        f"          by {p.proposed_by} at {p.created_at:%Y-%m-%d %H:%M} UTC: {p.reason or '(no reason given)'}"
                    )
                    if p.outcome and p.status != "pending":
                        out(f"          {p.outcome}")
                return EXIT_OK
            proposal = await (book.accept(args.id) if action == "accept" else book.reject(args.id))
        except InvalidProposal as exc:
            err(str(exc))
            return EXIT_FAILED
        except NaetraError as exc:
            err(f"not saved: {exc}")
            return EXIT_FAILED
    out(f"{proposal.id}: {proposal.outcome}")
    return EXIT_OK
