"""Headless commands: ``--list-plugins``, ``--check-config`` and the subcommands.

Output tables are built from ``rich.text.Text`` cells, so names and error messages coming from
plugins or providers are printed literally, never interpreted as markup.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import LoadedConfig

from .output import rich_text, safe
from .runner import EXIT_CONFIG, EXIT_FAILED, EXIT_OK

STATE_STYLES = {
    "ready": "green",
    "degraded": "yellow",
    "failed": "bold red",
    "disabled": "dim",
    "starting": "cyan",
}


def register_commands(commands: Any) -> None:
    """Add the subcommands to the top-level parser's subparsers."""
    from .command_defs import COMMANDS

    for name, (help_text, configure, handler) in COMMANDS.items():
        parser: argparse.ArgumentParser = commands.add_parser(name, help=help_text, description=help_text)
        configure(parser)
        parser.set_defaults(handler=handler)


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def list_plugins() -> int:
    """Print every installed plugin (from entry points, nothing imported)."""
    from rich.table import Table

    from ..plugin_host.discovery import list_installed

    table = Table(title="Installed plugins (use them in config.yaml with  plugin: NAME)")
    for column in ("category", "name", "from", "target"):
        table.add_column(column)
    for plugin in list_installed():
        table.add_row(*(rich_text(v) for v in (plugin.category, plugin.name, plugin.origin, plugin.target)))
    console().print(table)
    return EXIT_OK


async def check_config(loaded: LoadedConfig) -> int:
    """Validate, initialize every enabled plugin, health-check it, print a table, clean up."""
    from rich.table import Table
    from rich.text import Text

    from ..core.models import PluginState
    from ..services.session import Session
    from ..services.state import describe_storage

    out = console()
    out.print(rich_text(f"config: {loaded.path} (found by {loaded.found_by})"))
    session = Session(loaded)
    manager = session.manager
    try:
        await session.start()
        choice = session.storage
        await manager.check_all_health()
        table = Table(title="Plugins")
        for column in ("category", "plugin", "source", "state"):
            table.add_column(column, overflow="fold")
        problems: list[Text] = []
        for record in sorted(manager.records.values(), key=lambda r: (r.category, r.index)):
            state = record.state.value
            source = manager.origin(record)
            table.add_row(
                rich_text(record.category),
                rich_text(record.name),
                rich_text(source),
                rich_text(state, style=STATE_STYLES.get(state, "")),
            )
            reason = record.error or (record.health_detail if state != "ready" else "")
            if reason:
                problems.append(
                    Text.assemble(
                        (safe(f"{record.key} ({state}): "), STATE_STYLES.get(state, "")), safe(reason)
                    )
                )
        out.print(table)
        for line in problems:
            out.print(line, soft_wrap=True)
        out.print(
            rich_text(describe_storage(choice), style="bold yellow" if choice.warning else ""), soft_wrap=True
        )
        for notice in session.notices:
            if notice != choice.warning:
                out.print(rich_text(notice, style="bold yellow"), soft_wrap=True)
    finally:
        await session.close()
    failed = [r for r in manager.records.values() if r.state == PluginState.FAILED]
    if any(r.error_is_config for r in failed):
        return EXIT_CONFIG
    return EXIT_FAILED if failed else EXIT_OK
