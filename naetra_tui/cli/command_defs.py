"""The subcommands' arguments (cheap to import: handlers import their services lazily)."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import Any

from ..core.timeframes import TIMEFRAMES

Handler = Callable[[argparse.Namespace, Any], int]
Configure = Callable[[argparse.ArgumentParser], None]


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
        help="print one JSON object: answer, provider, model, grounded_on, verified_figures, unverified_figures, figure_notes",
    )
    parser.add_argument(
        "--continue",
        dest="resume",
        action="store_true",
        help="go on with the symbol's stored conversation (default: a new question, no earlier turns)",
    )
    parser.add_argument("--provider", metavar="NAME", help="the LLM plugin to answer with (default: app.llm)")


def _lazy(module: str, configure: str = "configure", run: str = "run") -> tuple[Configure, Handler]:
    """A subcommand whose arguments and handler live in ``cli/<module>.py``, imported only when
    that subcommand is used (the CLI's start stays cheap)."""

    def arguments(parser: argparse.ArgumentParser) -> None:
        getattr(importlib.import_module(f"{__package__}.{module}"), configure)(parser)

    def handler(args: argparse.Namespace, loaded: Any) -> int:
        code: int = getattr(importlib.import_module(f"{__package__}.{module}"), run)(args, loaded)
        return code

    return arguments, handler


def _run(name: str) -> Handler:
    def handler(args: argparse.Namespace, loaded: Any) -> int:
        from . import headless
        from .runner import run_async

        return run_async(lambda: getattr(headless, name)(args, loaded))

    return handler


COMMANDS: dict[str, tuple[str, Configure, Handler]] = {
    "quote": ("print the latest quotes (source and age included)", _quote_args, _run("quote")),
    "history": ("print a symbol's price bars as CSV or JSON", _history_args, _run("history")),
    "analyze": ("run the analyzers on a symbol and print the results", _analyze_args, _run("analyze")),
    "ask": ("ask the LLM a question, streamed to stdout", _ask_args, _run("ask")),
    "news": (
        "print recent news about symbols, newest first (--json, --csv)",
        *_lazy("research_cmd", "configure_news", "run_news"),
    ),
    "events": (
        "print next earnings, dividends and splits (default: the watchlist's symbols)",
        *_lazy("research_cmd", "configure_events", "run_events"),
    ),
    "options": (
        "print an option chain with Greeks computed locally (--expiry DATE, --json, --csv)",
        *_lazy("research_cmd", "configure_options", "run_options"),
    ),
    "plugin": ("list, enable, disable, set, add or move plugins in the config file", *_lazy("plugin_cmd")),
    "portfolio": (
        "print your positions with P&L (--json, --csv); portfolio add / import FILE.csv",
        *_lazy("portfolio_cmd"),
    ),
    "watchlist": ("list the watchlists, show one, rename or delete one", *_lazy("watchlist_cmd")),
    "alerts": (
        "add, list, remove and test alerts on history; alerts log shows what fired",
        *_lazy("alerts_cmd"),
    ),
    "watch": (
        "check your alerts without the app, on a schedule (for cron, systemd or a server)",
        *_lazy("watch_cmd"),
    ),
    "mcp": (
        "serve your data, analysis and positions to AI assistants (MCP, stdio or --http)",
        *_lazy("agent_cmd", "configure_mcp", "run_mcp"),
    ),
    "proposals": (
        "list, accept or reject the changes AI assistants proposed over MCP",
        *_lazy("agent_cmd", "configure_proposals", "run_proposals"),
    ),
    "llm-server": (
        "start a local model server for the chat (the llm-server extra's small model, or --model)",
        *_lazy("llm_server"),
    ),
    "doctor": (
        "check plugins, storage, Ollama and the network; print a fix for each problem",
        lambda p: None,
        _run("doctor"),
    ),
}
