"""``naetra-tui`` command line: arguments, config discovery, exit codes.

Exit codes: 0 success; 1 some plugin failed / the request failed; 2 the config is invalid (or
bad arguments); 130 interrupted. Errors are one line on stderr, never a traceback.

This module imports almost nothing at module level so that ``naetra-tui --version`` is instant;
everything heavy is imported inside the command that needs it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:
    from ..config import LoadedConfig

from .runner import EXIT_CONFIG, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, run_async


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="naetra-tui",
        description="Terminal market workstation: live watchlist, charts, analysis and LLM chat.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--config", metavar="PATH", help="config file (default: see README, 'Configuration')")
    parser.add_argument(
        "--check-config",
        action="store_true",
        help="validate the config, start every enabled plugin, print their states and exit "
        "(0 all ready, 1 some failed, 2 config invalid)",
    )
    parser.add_argument("--list-plugins", action="store_true", help="list every installed plugin and exit")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="log level")
    parser.add_argument("--log-file", metavar="PATH", help="log file (default: in the user log directory)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    from .commands import register_commands

    register_commands(commands)
    return parser


def error(message: str) -> None:
    """One line on stderr (plain text, cleaned and redacted: nothing in it is interpreted)."""
    from .output import err

    err(message)


def load(args: argparse.Namespace) -> LoadedConfig:
    """Find and load the config; set up logging from it and the command line.

    Raises:
        ConfigurationError: no valid config.
    """
    from ..config import discover_config_path, load_config
    from .logging_setup import setup_logging

    path, found_by = discover_config_path(args.config)
    loaded = load_config(path)
    loaded.found_by = found_by
    level = args.log_level or loaded.config.logging.level
    _, warning = setup_logging(level, args.log_file or loaded.config.logging.file)
    if warning:
        error(warning)
    metrics = loaded.config.metrics
    if metrics.port and not args.check_config:
        from ..core.metrics import METRICS

        problem = METRICS.start(metrics.port, metrics.host)
        if problem:
            error(problem)
    return loaded


def start_from_snapshot(args: argparse.Namespace) -> int | None:
    """Run the app painting the rows the last session showed before loading the config (and
    pydantic, numpy, the plugins); None if there is no usable snapshot for this config."""
    from ..config.location import discover_config_path
    from ..core.errors import ConfigurationError
    from ..ui.snapshot import load_snapshot

    path, _ = discover_config_path(args.config)
    snapshot = load_snapshot(path)
    if snapshot is None:
        return None
    from ..ui.run import run_app_from_snapshot

    code, problem = run_app_from_snapshot(snapshot, lambda: load(args))
    if problem is None:
        return code
    if isinstance(problem, ConfigurationError):
        error(f"config error: {problem}")
        return EXIT_CONFIG
    error(str(problem))
    return EXIT_FAILED


#: A reader that closed the pipe (``| head``): what standard tools exit with (128 + SIGPIPE).
EXIT_PIPE_CLOSED = 141


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: every outcome is an exit code and at most one line on stderr."""
    import logging
    import sys

    try:
        code = _main(argv)
        sys.stdout.flush()  # a full disk or a closed pipe is met here, not at interpreter exit
        return code
    except BrokenPipeError:
        _stdout_to_devnull()
        return EXIT_PIPE_CLOSED
    except OSError as exc:
        if exc.errno is not None and exc.strerror:
            _stdout_to_devnull()
            error(f"cannot write the output: {exc.strerror}")
            return EXIT_FAILED
        raise
    except Exception as exc:  # a bug: one line here, the traceback in the log
        logging.getLogger(__name__).exception("unexpected error")
        error(f"unexpected error ({type(exc).__name__}: {exc}); details are in the log; please report it")
        return EXIT_FAILED


def _stdout_to_devnull() -> None:
    """Whatever is still buffered for stdout goes nowhere (Python would otherwise print an
    'Exception ignored' traceback when it flushes stdout at exit)."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.version:
        print(f"naetra-tui {__version__}")
        return EXIT_OK
    from ..core.clock import freeze_from_environment
    from ..core.errors import ConfigurationError, NaetraError

    try:
        freeze_from_environment()
    except ValueError as exc:
        error(f"config error: {exc}")
        return EXIT_CONFIG
    from .bootstrap import bootstrap_app, bootstrap_process

    bootstrap_process()
    try:
        if args.list_plugins:
            from .commands import list_plugins

            return list_plugins()
        if not args.command and not args.check_config:
            bootstrap_app()
            started = start_from_snapshot(args)
            if started is not None:
                return started
        loaded = load(args)
        if args.check_config:
            from .commands import check_config

            return run_async(lambda: check_config(loaded))
        if args.command:
            handler: Callable[[argparse.Namespace, LoadedConfig], Any] = args.handler
            return int(handler(args, loaded))
        from ..ui.run import run_app

        return run_app(loaded)
    except ConfigurationError as exc:
        error(f"config error: {exc}")
        return EXIT_CONFIG
    except NaetraError as exc:
        error(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
