"""``naetra-tui plugin ...``: list, enable, disable, set, add and move plugins in the config file,
for scripts and for people without the app open. The file is written by ``config.writer``:
comments and layout kept, checked before it is replaced, the previous version kept beside it."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..core.errors import NaetraError
from .output import err, out, rich_text
from .runner import EXIT_CONFIG, EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    from ..config import LoadedConfig

ACTIONS = ("list", "enable", "disable", "set", "add", "move", "new")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument(
        "plugin", nargs="?", help="CATEGORY/NAME, e.g. data_collectors/alpha_vantage (new: CATEGORY NAME)"
    )
    parser.add_argument(
        "values", nargs="*", help="set: KEY=VALUE ... (KEY=- reads the value from stdin); move: up|down"
    )
    parser.add_argument("--dir", help="new: the folder to create (default ./naetra-plugin-NAME)")


def run(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..core.errors import ConfigurationError

    if args.action == "list":
        return _list(loaded)
    if args.action == "new":
        return _new(args)
    if not args.plugin or "/" not in args.plugin:
        err(f"plugin {args.action} needs CATEGORY/NAME, e.g. data_collectors/simulated")
        return EXIT_CONFIG
    category, name = args.plugin.split("/", 1)
    try:
        return _edit(args, loaded, category, name)
    except ConfigurationError as exc:
        err(f"config error: {exc}")
        return EXIT_CONFIG


def _edit(args: argparse.Namespace, loaded: LoadedConfig, category: str, name: str) -> int:
    from ..config.writer import ConfigEditor

    editor = ConfigEditor(loaded.path, loaded.found_by)
    if args.action in ("enable", "disable"):
        editor.set_enabled(category, name, args.action == "enable")
        done = f"{category}/{name} {args.action}d"
    elif args.action == "move":
        if args.values not in (["up"], ["down"]):
            err("plugin move CATEGORY/NAME up|down")
            return EXIT_CONFIG
        index = editor.move(category, name, -1 if args.values == ["up"] else 1)
        done = f"{category}/{name} is now number {index + 1} in {category}"
    elif args.action == "add":
        problem = _add(editor, category, name)
        if problem:
            err(problem)
            return EXIT_FAILED
        done = f"added {category}/{name} with its defaults"
    else:
        values = _parse_values(args.values)
        if isinstance(values, str):
            err(values)
            return EXIT_CONFIG
        problem = _check_values(editor, category, name, values)
        if problem:
            err(problem)
            return EXIT_CONFIG
        from ..services.plugin_config import stage_values
        from ..services.plugin_settings import plugin_class

        try:
            model = getattr(plugin_class(editor.entry(category, name), category), "config_model", None)
        except NaetraError:
            model = None  # its class cannot be found: secrets by name and URL passwords still kept
        for line in stage_values(editor, category, name, values, model):  # as the Plugins screen
            out(line)
        done = f"{category}/{name}: set {', '.join(values)}"
    first = not (editor.path.exists())
    path = editor.save()
    note = "a new file: your own config from now on" if first else f"the previous version is {path.name}.prev"
    out(f"{done} (saved to {path}; {note})")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .scaffold import ScaffoldError, create

    if not args.plugin or len(args.values) != 1:
        err("plugin new CATEGORY NAME [--dir PATH], e.g. plugin new data_collectors my_feed")
        return EXIT_CONFIG
    try:
        folder = create(args.plugin, args.values[0], Path(args.dir) if args.dir else None)
    except ScaffoldError as exc:
        err(str(exc))
        return EXIT_CONFIG
    out(f"created {folder}")
    out(f"  pip install -e '{folder}[test]'   # then it shows in: naetra-tui --list-plugins")
    out(f"  pytest {folder}/tests            # naetra-tui's plugin contract")
    return EXIT_OK


def _parse_values(pairs: list[str]) -> dict[str, Any] | str:
    from ..services.plugin_settings import parse_value

    if not pairs:
        return "plugin set CATEGORY/NAME KEY=VALUE ..."
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.isidentifier():
            return f"'{pair[:40]}' is not KEY=VALUE"
        if raw == "-":  # read as typed: never as YAML ("p@ss #123" stays whole, "null" is text)
            values[key] = sys.stdin.readline().rstrip("\r\n")
            continue
        values[key] = parse_value(raw)
    return values


def _check_values(editor: Any, category: str, name: str, values: dict[str, Any]) -> str | None:
    """Validated by the plugin's own ``config_model``: the same check as at start-up."""
    from ..core.errors import NaetraError
    from ..services.plugin_settings import plugin_class, problems

    entry = editor.entry(category, name)
    try:
        model = getattr(plugin_class(entry, category), "config_model", None)
    except NaetraError as exc:
        return f"cannot check the values: {exc}"
    found = problems(model, {**dict(entry.get("config") or {}), **values})
    if found:
        where, why = next(iter(found.items()))
        return f"{category}/{name}: {where}: {why} (nothing was written)"
    return None


def _add(editor: Any, category: str, name: str) -> str | None:
    from ..plugin_host.discovery import list_installed

    installed = {p.name for p in list_installed(category)}
    if name not in installed:
        known = ", ".join(sorted(installed)) or "none"
        return f"no installed {category} plugin is named '{name}' (installed: {known})"
    editor.add(category, name, name)
    return None


def _list(loaded: LoadedConfig) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..plugin_host.discovery import list_installed

    table = Table(title=f"Plugins in {loaded.path or 'the packaged default config'}")
    for column in ("category", "name", "order", "enabled", "plugin / class"):
        table.add_column(column)
    used: set[tuple[str, str]] = set()
    for category, index, entry in loaded.config.plugins.entries():
        target = f"plugin: {entry.plugin}" if entry.plugin else f"class: {entry.class_path}"
        used.add((category, entry.plugin or ""))
        cells = (category, entry.name, str(index + 1), "yes" if entry.enabled else "no", target)
        table.add_row(*(rich_text(c) for c in cells))
    Console(highlight=False, soft_wrap=False).print(table)
    spare = [p for p in list_installed() if (p.category, p.name) not in used]
    if spare:
        out("Installed but not in the config (add one with `naetra-tui plugin add CATEGORY/NAME`):")
        for plugin in spare:
            out(f"  {plugin.category}/{plugin.name}  ({plugin.origin})")
    return EXIT_OK
