"""Headless subcommands: the same services as the app, printed for scripts and pipes."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .output import err, out, out_json, stream_piece, write_csv

if TYPE_CHECKING:
    from ..config import LoadedConfig


_err = err


async def quote(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..services.session import Phase, session_for

    async with session_for(loaded, Phase.MARKET, notify=_err) as session:
        rows = await session.market.refresh(args.symbols)
    if args.json:
        items = []
        for row in rows.values():
            item = {"symbol": row.symbol, "error": row.error, "stale": row.stale}
            if row.quote is not None:
                item |= row.quote.model_dump(mode="json") | {"change_pct": row.quote.change_pct}
            items.append(item)
        out_json(items)
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
            currency = q.currency or "?"  # never a bare number: 2,900 is yen, 72 is pence
            out(
                f"{q.symbol:10s} {q.price:>14,.4f} {currency:4s} {change:>9s}  {q.market_state.value:6s} "
                f"{label} · {age}{stale}"
            )
    return 0 if all(r.quote is not None for r in rows.values()) else 1


async def history(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..core.errors import NaetraError
    from ..services.session import Phase, session_for

    async with session_for(loaded, Phase.MARKET, notify=_err) as session:
        try:
            bars = await session.market.history(args.symbol, args.timeframe, args.range_name)
        except (NaetraError, ValueError) as exc:
            _err(str(exc))
            return 1
    cols = bars.to_columns()
    if args.json:
        out(
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
    label = "simulated" if bars.simulated else bars.source
    header = ["time", "open", "high", "low", "close", "volume", "source"]
    write_csv(
        [
            header,
            *(
                [
                    datetime.fromtimestamp(stamp, UTC).isoformat(),
                    cols["open"][i],
                    cols["high"][i],
                    cols["low"][i],
                    cols["close"][i],
                    cols["volume"][i],
                    label,
                ]
                for i, stamp in enumerate(cols["timestamp"])
            ),
        ]
    )
    return 0


async def analyze(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    from ..core.errors import InvalidSymbol
    from ..services.session import session_for

    async with session_for(loaded, notify=_err) as session:
        try:
            await session.market.refresh([args.symbol])
            results = await session.analysis.analyze(args.symbol, args.timeframe, args.range_name)
        except (InvalidSymbol, ValueError) as exc:
            _err(str(exc))
            return 2
    if not results:
        _err("no analyzer is enabled (see plugins.analyzers in the config)")
        return 1
    if args.json:
        out(
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
            out(result.analysis.to_text() if result.analysis else f"[{name}] unavailable: {result.error}")
            out()
    return 0 if all(r.analysis for r in results.values()) else 1


async def ask(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    """Stream the answer (or, with --json, print it as one object), then name the figures the
    figure check could not find in the data the answer was grounded on."""
    from ..core.errors import InvalidSymbol
    from ..services.session import chat_service, session_for

    as_json = getattr(args, "json", False)
    async with session_for(loaded, notify=_err) as session:
        chat = chat_service(session)
        chat.front_end = "cli"
        wanted = getattr(args, "provider", None)
        if wanted:
            names = [r.name for r in session.manager.records_of("llm")]
            if wanted not in names:
                _err(f"no LLM plugin named '{wanted}' in the config (it has: {', '.join(names) or 'none'})")
                return 2
            chat.provider_name = wanted
        failed, last = False, None
        try:
            async for event in chat.ask(args.question, args.symbol, resume=getattr(args, "resume", False)):
                last = event.message or last
                if event.kind == "token" and not as_json:
                    stream_piece(event.text)
                elif event.kind in ("tool", "notice"):
                    out(f"[{event.text}]", file=sys.stderr)
                elif event.kind == "error":
                    if event.message is not None and event.message.content and not as_json:
                        out("\n[answer interrupted]")
                    _err(event.text)
                    failed = True
        except InvalidSymbol as exc:
            _err(str(exc))
            return 2
    if as_json and last is not None:
        out(
            json.dumps(
                {
                    "answer": last.content,
                    "provider": last.provider,
                    "model": last.model,
                    "grounded_on": last.grounding,
                    "verified_figures": last.verified_figures,
                    "unverified_figures": last.unverified_figures,
                    "figure_notes": last.figure_notes,
                    "interrupted": last.interrupted,
                    "error": last.error,
                },
                indent=1,
            )
        )
    elif not failed:
        out()
        if last is not None and last.unverified_figures:
            notes = last.figure_notes
            said = [f"{f} ({notes[f]})" if f in notes else f for f in last.unverified_figures]
            out("unverified figures (not in the data): " + ", ".join(said))
    return 1 if failed else 0


PROVIDER_HOSTS = {  # provider -> (host, port, the built-in plugin that uses it)
    "Yahoo Finance": ("query1.finance.yahoo.com", 443, "yahoo_finance"),
    "Alpha Vantage": ("www.alphavantage.co", 443, "alpha_vantage"),
}
ENABLE_SIMULATED = (
    "enable `simulated` for offline data (Plugins screen: p, space; or enabled: true in the config)"
)
FIXES = {
    "data_collectors": "check the network and the plugin's config",
    "analyzers": "check its config in plugins.analyzers",
    "llm": "start the LLM server the plugin talks to (see its config)",
    "storage": "check the storage plugin's config (path, host, credentials)",
    "notifiers": "check the notifier's config (its URL, program or service)",
}


LOCAL_SERVER = (
    "for a local one: pip install 'naetra-tui[llm-server]', then "
    "python -m llama_cpp.server --model PATH.gguf --port 8080 (or llama-server, LM Studio, vLLM)"
)


def llm_fix(record: Any) -> str:
    """How to start the server this LLM plugin talks to (Ollama's advice only for Ollama)."""
    if record.entry.plugin == "ollama":
        return "ollama serve   (install: https://ollama.com/download), then ollama pull MODEL"
    if record.entry.plugin == "openai":
        base_url = (record.entry.config or {}).get("base_url", "http://localhost:8080/v1")
        return f"start the server at {base_url}; {LOCAL_SERVER}"
    return FIXES["llm"]


def _server_checked(record: Any) -> bool:
    """An LLM plugin that started (ready or degraded) and can list its server's models."""
    from ..core.models import PluginState

    started = record.state in (PluginState.READY, PluginState.DEGRADED)
    return record.category == "llm" and started and hasattr(record.instance, "list_models")


async def _check_llm_server(line: Any, record: Any) -> None:
    """The server of a started LLM plugin: reachable, and the model there."""
    from ..core.errors import LLMError

    label = (
        f"ollama ({record.name})"
        if record.entry.plugin == "ollama"
        else f"{record.entry.plugin} server ({record.name})"
    )
    try:
        models = await record.instance.list_models()
    except LLMError as exc:
        line(False, label, str(exc), llm_fix(record))
        return
    line(True, label, f"reachable; models: {', '.join(models) or 'none'}")
    model = getattr(record.instance, "model", "")
    if model and models and model not in models:
        fix = (
            f"ollama pull {model}"
            if record.entry.plugin == "ollama"
            else f"set model_name under plugins.llm to one of: {', '.join(models[:5])}"
        )
        line(False, f"model {model}", "not on the server", fix)


async def _mcp_lines(line: Any, session: Any) -> None:
    """How to connect an AI assistant, and proposals waiting for the user."""
    from ..core.errors import NaetraError

    settings = session.loaded.config.mcp
    mode = (
        "agents may propose changes (you accept them: M in the app)"
        if settings.allow_proposals
        else "read-only"
    )
    line(
        True,
        "mcp (AI assistants)",
        f"connect with the command `naetra-tui mcp` (stdio) or `naetra-tui mcp --http`; {mode}",
    )
    try:
        waiting = len(await session.proposals.pending())
    except NaetraError:
        return
    if waiting:
        line(
            False,
            "proposals",
            f"{waiting} change(s) proposed by agents wait for you",
            "naetra-tui proposals (then accept ID / reject ID), or M in the app",
        )


def _meanwhile(manager: Any, record: Any) -> str:
    """Who fills in for a failing collector: the next ready one in config order, or nobody."""
    from ..core.models import PluginState

    later = [
        r.name
        for r in manager.records_of("data_collectors")
        if r.index > record.index and r.state is PluginState.READY
    ]
    return (
        f"; meanwhile {later[0]} fills in" if later else f"; no other collector is ready: {ENABLE_SIMULATED}"
    )


def _reach(host: str, port: int, timeout: float = 3.0) -> str | None:
    """None when a TCP connection to host:port works, else why not."""
    import socket

    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except socket.gaierror as exc:
        return f"DNS lookup failed ({exc.strerror})"
    except OSError as exc:
        return exc.strerror or type(exc).__name__


async def doctor(args: argparse.Namespace, loaded: LoadedConfig) -> int:
    """Everything that could be wrong, each problem with its fix in one line."""
    import asyncio
    import os
    import tempfile

    from ..core.models import PluginState
    from ..core.threads import run_in_daemon_thread
    from ..services.session import session_for

    problems = 0

    def line(ok: bool, what: str, detail: str, fix: str = "") -> None:
        nonlocal problems
        mark = "ok  " if ok else "FAIL"
        out(f"[{mark}] {what:28s} {detail}")
        if not ok:
            problems += 1
            if fix:
                out(f"       fix: {fix}")

    line(True, "config", f"{loaded.path} (found by {loaded.found_by})")
    async with session_for(loaded) as session:
        await session.manager.check_all_health()
        choice = session.storage
        location = choice.location
        if choice.warning:
            line(
                False,
                "storage",
                choice.warning,
                "fix the storage plugin's settings, or set app.storage to sqlite",
            )
        else:
            line(True, "storage", f"saving to {location}")
        sqlite_path = getattr(choice.storage, "path", None)
        if sqlite_path is not None:
            folder = sqlite_path.parent
            try:
                with tempfile.NamedTemporaryFile(dir=folder):
                    pass
                line(True, "storage folder writable", str(folder))
            except OSError as exc:
                line(
                    False,
                    "storage folder writable",
                    f"{folder}: {exc.strerror}",
                    f"make {folder} writable or set another path",
                )
        for record in sorted(session.manager.records.values(), key=lambda r: (r.category, r.index)):
            if record.state is PluginState.DISABLED:
                line(True, f"plugin {record.key}", "disabled")
                continue
            if _server_checked(record):
                continue  # its server's line below says it all: one problem, counted once
            healthy = record.state is PluginState.READY
            detail = record.state.value + (f": {record.error or record.health_detail}" if not healthy else "")
            fix = llm_fix(record) if record.category == "llm" else FIXES.get(record.category, "")
            if record.category == "data_collectors":
                fix += _meanwhile(session.manager, record)
            line(healthy, f"plugin {record.key}", detail, fix)
        if not any(r.state is PluginState.READY for r in session.manager.records_of("data_collectors")):
            line(False, "prices", "no data collector is ready: the watchlist stays empty", ENABLE_SIMULATED)
        for record in session.manager.records_of("llm"):
            if _server_checked(record):
                await _check_llm_server(line, record)
        await _mcp_lines(line, session)
        used = {
            r.entry.plugin
            for r in session.manager.records_of("data_collectors")
            if r.state is not PluginState.DISABLED
        }
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    for provider, (host, port, plugin) in PROVIDER_HOSTS.items():
        if plugin not in used:
            continue
        reason = await asyncio.wait_for(run_in_daemon_thread(_reach, host, port), 10)
        line(
            reason is None,
            f"network to {provider}",
            f"{host}:{port} " + ("reachable" if reason is None else f"unreachable: {reason}"),
            "check your internet connection"
            + (f" or the proxy {proxy}" if proxy else "")
            + "; offline, the simulated feed is used",
        )
    out(f"\n{problems} problem(s) found." if problems else "\nNo problems found.")
    return 1 if problems else 0
