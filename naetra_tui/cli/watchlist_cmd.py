"""``naetra-tui watchlist``: list the watchlists, show one, rename or delete one (asking first;
``--yes`` for scripts)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .output import err, out
from .runner import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, run_async

if TYPE_CHECKING:
    from ..config import LoadedConfig


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="watchlist_action", metavar="ACTION")
    actions.add_parser("list", help="the watchlists, the active one marked (default)")
    show = actions.add_parser("show", help="a watchlist's symbols, in order")
    show.add_argument("name", metavar="NAME")
    rename = actions.add_parser("rename", help="rename a watchlist")
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new_name", metavar="NEW_NAME")
    delete = actions.add_parser("delete", help="delete a watchlist (asks first)")
    delete.add_argument("name", metavar="NAME")
    delete.add_argument("--yes", action="store_true", help="do not ask (scripts)")


def run(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    return run_async(lambda: _run(args, loaded))


def _confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    out(question + " [y/N] ", end="")
    sys.stdout.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


async def _run(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..core.errors import NaetraError
    from ..services.session import Phase, session_for
    from ..services.state import InvalidName

    action = args.watchlist_action or "list"
    async with session_for(loaded, Phase.STORAGE, require_storage=True, notify=err) as session:
        state, editor = session.state, session.watchlists
        await state.ensure_default("Default", list(loaded.config.app.watchlist))
        names = await state.watchlist_names()
        active = await state.setting("active_watchlist", names[0] if names else None)
        editor.active = active or "Default"
        try:
            if action == "list":
                for name in names:
                    count = len(await state.watchlist_members(name))
                    out(
                        f"{'*' if name == active else ' '} {name}  ({count} symbol{'s' if count != 1 else ''})"
                    )
                return EXIT_OK
            if args.name not in names:
                err(f"no watchlist named '{args.name[:40]}' (there are: {', '.join(names)})")
                return EXIT_CONFIG
            if action == "show":
                out(" ".join(await state.watchlist(args.name)))
                return EXIT_OK
            if action == "rename":
                new = await editor.rename(args.name, args.new_name)
                out(f"renamed the watchlist '{args.name}' to '{new}'")
                return EXIT_OK
            symbols = await state.watchlist(args.name)
            what = (
                f"the watchlist '{args.name}' and its {len(symbols)} symbol{'s' if len(symbols) != 1 else ''}"
            )
            if not args.yes and not _confirmed(f"Delete {what}?"):
                err(f"not deleted: {what} (confirm, or add --yes)")
                return EXIT_FAILED
            shown = await editor.delete(args.name)
            out(f"deleted {what}" + (f"; the active list is now '{shown}'" if active == args.name else ""))
            return EXIT_OK
        except InvalidName as exc:
            err(str(exc))
            return EXIT_CONFIG
        except NaetraError as exc:
            err(f"not saved: {exc}")
            return EXIT_FAILED
