"""The subcommands' arguments (cheap to import: handlers import their services lazily)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ..core.timeframes import TIMEFRAMES

Handler = Callable[[argparse.Namespace, Any], int]


def _quote_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("symbols", nargs="+", metavar="SYMBOL")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _history_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("symbol", metavar="SYMBOL")
    parser.add_argument("--timeframe", default="1D", choices=list(TIMEFRAMES))
    parser.add_argument(
        "--range", dest="range_name", default="1Y", help="1D 5D 1M 3M 6M YTD 1Y 2Y 5Y 10Y MAX"
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--csv", action="store_true", help="print CSV (default)")
    out.add_argument("--json", action="store_true", help="print JSON")


def _analyze_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("symbol", metavar="SYMBOL")
    parser.add_argument("--timeframe", default="1D", choices=list(TIMEFRAMES))
    parser.add_argument(
        "--range", dest="range_name", default="2Y", help="1D 5D 1M 3M 6M YTD 1Y 2Y 5Y 10Y MAX"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def _ask_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question")
    parser.add_argument("--symbol", help="ground the answer in this symbol's data")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: answer, provider, model, grounded_on, verified_figures, unverified_figures",
    )
    parser.add_argument(
        "--continue",
        dest="resume",
        action="store_true",
        help="go on with the symbol's stored conversation (default: a new question, no earlier turns)",
    )
    parser.add_argument("--provider", metavar="NAME", help="the LLM plugin to answer with (default: app.llm)")


def _plugin_args(parser: argparse.ArgumentParser) -> None:
    from .plugin_cmd import configure

    configure(parser)


def _plugin_run(args: argparse.Namespace, loaded: Any) -> int:
    from .plugin_cmd import run

    return run(args, loaded)


def _portfolio_args(parser: argparse.ArgumentParser) -> None:
    from .portfolio_cmd import configure

    configure(parser)


def _portfolio_run(args: argparse.Namespace, loaded: Any) -> int:
    from .portfolio_cmd import run

    return run(args, loaded)


def _agent_args(name: str) -> Callable[[argparse.ArgumentParser], None]:
    def configure(parser: argparse.ArgumentParser) -> None:
        from . import agent_cmd

        getattr(agent_cmd, name)(parser)

    return configure


def _agent_run(name: str) -> Handler:
    def handler(args: argparse.Namespace, loaded: Any) -> int:
        from . import agent_cmd

        code: int = getattr(agent_cmd, name)(args, loaded)
        return code

    return handler


def _watchlist_args(parser: argparse.ArgumentParser) -> None:
    from .watchlist_cmd import configure

    configure(parser)


def _watchlist_run(args: argparse.Namespace, loaded: Any) -> int:
    from .watchlist_cmd import run

    return run(args, loaded)


def _llm_server_args(parser: argparse.ArgumentParser) -> None:
    from .llm_server import configure

    configure(parser)


def _llm_server_run(args: argparse.Namespace, loaded: Any) -> int:
    from .llm_server import run

    return run(args, loaded)


def _run(name: str) -> Handler:
    def handler(args: argparse.Namespace, loaded: Any) -> int:
        from . import headless
        from .runner import run_async

        return run_async(lambda: getattr(headless, name)(args, loaded))

    return handler


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Handler]] = {
    "quote": ("print the latest quotes (source and age included)", _quote_args, _run("quote")),
    "history": ("print a symbol's price bars as CSV or JSON", _history_args, _run("history")),
    "analyze": ("run the analyzers on a symbol and print the results", _analyze_args, _run("analyze")),
    "ask": ("ask the LLM a question, streamed to stdout", _ask_args, _run("ask")),
    "plugin": (
        "list, enable, disable, set, add or move plugins in the config file",
        _plugin_args,
        _plugin_run,
    ),
    "portfolio": (
        "print your positions with P&L (--json, --csv); portfolio add / import FILE.csv",
        _portfolio_args,
        _portfolio_run,
    ),
    "watchlist": (
        "list the watchlists, show one, rename or delete one",
        _watchlist_args,
        _watchlist_run,
    ),
    "mcp": (
        "serve your data, analysis and positions to AI assistants (MCP, stdio or --http)",
        _agent_args("configure_mcp"),
        _agent_run("run_mcp"),
    ),
    "proposals": (
        "list, accept or reject the changes AI assistants proposed over MCP",
        _agent_args("configure_proposals"),
        _agent_run("run_proposals"),
    ),
    "llm-server": (
        "start a local model server for the chat (the llm-server extra's small model, or --model)",
        _llm_server_args,
        _llm_server_run,
    ),
    "doctor": (
        "check plugins, storage, Ollama and the network; print a fix for each problem",
        lambda p: None,
        _run("doctor"),
    ),
}
