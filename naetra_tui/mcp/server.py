"""``naetra-tui mcp``: the Session's data, analysis and positions as MCP tools, resources and a
prompt, on the official ``mcp`` SDK.

Read-only by default: the only tool that asks for a change (``propose_change``) exists when
``mcp.allow_proposals`` is on, and it stores a proposal the person accepts or rejects — never
the change itself. Every call is bounded (calls per minute, symbols per call, text size) and
checked before it runs: an unknown tool, an argument the tool does not take, a symbol no ticker
could be, each gets one clear error. Every string returned is cleaned and redacted.
"""

from __future__ import annotations

import json
import time
from collections import deque
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ToolAnnotations
from pydantic import ValidationError

from ..core.errors import InvalidSymbol, NaetraError
from ..core.secrets import redact
from ..core.symbols import normalize_symbol
from ..core.text import clean_line
from . import results
from .figures import check_text

if TYPE_CHECKING:
    from ..services.session import Session

#: ``check_figures`` reads at most this much text (a long report is ~20,000 characters).
MAX_TEXT = 200_000
#: Bars one ``get_history`` call returns at most (ten years of days is ~2,520).
MAX_BARS = 5_000
READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)

INSTRUCTIONS = (
    "naetra-tui: market data, analysis and the user's own positions. Every number carries its "
    "source and age; SIMULATED data is not real market data and must be called simulated. Ground "
    "every figure you state on a tool result and call check_figures on your answer before you "
    "give it. Changes are never made by you: with propose_change (if offered) the user decides."
)


class CallRateExceeded(ToolError):
    pass


class NaetraMCPServer(MCPServer[Any]):
    """The SDK's server with naetra's checks in front of every tool call."""

    def __init__(self, *args: Any, calls_per_minute: int = 120, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls_per_minute = calls_per_minute
        self._calls: deque[float] = deque()

    def _count_call(self) -> None:
        now = time.monotonic()
        while self._calls and now - self._calls[0] > 60.0:
            self._calls.popleft()
        if len(self._calls) >= self.calls_per_minute:
            wait = 60.0 - (now - self._calls[0])
            raise CallRateExceeded(
                f"too many calls: at most {self.calls_per_minute} a minute (mcp.calls_per_minute); "
                f"try again in {wait:.0f} s"
            )
        self._calls.append(now)

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        tool = self._tool_manager.get_tool(name)
        if tool is None:
            known = ", ".join(t.name for t in self._tool_manager.list_tools())
            raise ToolError(f"unknown tool '{clean_line(name)[:64]}'; the tools are: {known}")
        self._count_call()
        allowed = set(tool.parameters.get("properties", {}))
        extra = sorted(set(arguments or {}) - allowed)
        if extra:
            shown = ", ".join(clean_line(e)[:40] for e in extra[:5])
            raise ToolError(
                f"{name} does not take {shown}; it takes: {', '.join(sorted(allowed)) or 'no arguments'}"
            )
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(cause, ValidationError):  # one line per argument, no pydantic URLs
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}"
                    for e in cause.errors(include_url=False, include_input=False)[:5]
                )
                raise ToolError(f"invalid arguments for {name}: {problems}") from None
            raise


def _symbols(values: list[str], limit: int) -> list[str]:
    if not values:
        raise ToolError("give at least one symbol")
    if len(values) > limit:
        raise ToolError(f"{len(values)} symbols given; at most {limit} per call (mcp.max_symbols)")
    try:
        return list(dict.fromkeys(normalize_symbol(v) for v in values))
    except InvalidSymbol as exc:
        raise ToolError(str(exc)) from None


def _symbol(value: str) -> str:
    try:
        return normalize_symbol(value)
    except InvalidSymbol as exc:
        raise ToolError(str(exc)) from None


def _failed(exc: Exception) -> ToolError:
    return ToolError(redact(clean_line(str(exc))))


def _client_name(ctx: Context[Any, Any] | None) -> str:
    try:
        info = ctx.request_context.session.client_params.client_info  # type: ignore[union-attr]
        return f"{info.name} {info.version or ''}".strip()
    except Exception:  # an older client, or a call from inside the process
        return "an agent"


def build_server(session: Session) -> NaetraMCPServer:
    """The server on a started Session (through its last phase)."""
    settings = session.loaded.config.mcp
    server = NaetraMCPServer(
        "naetra-tui",
        instructions=INSTRUCTIONS,
        calls_per_minute=settings.calls_per_minute,
        log_level="WARNING",
    )
    limit = settings.max_symbols

    @server.tool(annotations=READ_ONLY)
    async def get_quotes(symbols: list[str]) -> CallToolResult:
        """Latest quotes (price, currency, change, market state) with source, as-of time and age."""
        rows = await session.market.refresh(_symbols(symbols, limit))
        return results.reply(results.quotes_result(rows))

    @server.tool(annotations=READ_ONLY)
    async def get_history(
        symbol: str,
        timeframe: Literal["1m", "5m", "15m", "1h", "1D", "1W", "1M"] = "1D",
        range: Literal["1D", "5D", "1M", "3M", "6M", "YTD", "1Y", "2Y", "5Y", "10Y", "MAX"] = "1Y",
    ) -> CallToolResult:
        """Price bars (OHLCV) of one symbol with a summary; at most 5,000 bars."""
        try:
            history = await session.market.history(_symbol(symbol), timeframe, range)
        except (NaetraError, ValueError) as exc:
            raise _failed(exc) from None
        if len(history) > MAX_BARS:
            raise ToolError(f"{len(history)} bars: at most {MAX_BARS} per call; ask for a longer timeframe")
        return results.reply(results.history_result(history, range))

    @server.tool(annotations=READ_ONLY)
    async def analyze(symbol: str) -> CallToolResult:
        """Every enabled analyzer on a symbol (technical indicators and signals, fundamentals)."""
        clean = _symbol(symbol)
        await session.market.refresh([clean])
        found = await session.analysis.analyze(clean, "1D", "2Y")
        if not found:
            raise ToolError("no analyzer is enabled (plugins.analyzers in the config)")
        return results.reply(results.analysis_result(found))

    @server.tool(annotations=READ_ONLY)
    async def get_fundamentals(symbol: str) -> CallToolResult:
        """Company fundamentals (valuation ratios, earnings, size) of one symbol, with source."""
        try:
            found = await session.market.fundamentals(_symbol(symbol))
        except NaetraError as exc:
            raise _failed(exc) from None
        return results.reply(results.fundamentals_result(found))

    @server.tool(annotations=READ_ONLY)
    async def get_watchlists() -> CallToolResult:
        """The user's watchlists and their symbols, and which one is active."""
        return results.reply(await _watchlists(session))

    @server.tool(annotations=READ_ONLY)
    async def get_portfolio() -> CallToolResult:
        """The user's positions valued now: P&L in the base currency, the FX rates used, sources."""
        try:
            value = await session.valued_portfolio()
        except NaetraError as exc:
            raise _failed(exc) from None
        return results.reply(results.portfolio_result(value))

    @server.tool(annotations=READ_ONLY)
    async def get_alerts() -> CallToolResult:
        """The user's price and indicator alerts, armed or fired."""
        await session.alerts.load()
        alerts = [a.to_record() | {"id": a.id, "text": a.text} for a in session.alerts.alerts]
        return results.reply({"alerts": alerts})

    @server.tool(annotations=READ_ONLY)
    async def check_figures(text: str, symbols: list[str] | None = None) -> CallToolResult:
        """Check every figure of a text against fresh data: each verified (with symbol, field,
        source, as-of time) or unverified. Call it on your answer before you give it."""
        if len(text) > MAX_TEXT:
            raise ToolError(f"the text has {len(text):,} characters; at most {MAX_TEXT:,} per call")
        given = _symbols(symbols, limit) if symbols else None
        return results.reply(await check_text(session, text, given, limit))

    _add_research_tools(server, session)
    if settings.allow_proposals:
        _add_proposal_tools(server, session)
    _add_resources(server, session)
    return server


def _add_research_tools(server: NaetraMCPServer, session: Session) -> None:
    research = session.research

    @server.tool(annotations=READ_ONLY)
    async def get_news(symbol: str, limit: int = 10) -> CallToolResult:
        """Recent news about a symbol, newest first: time (null when unknown), publisher,
        title, an http(s) link. Headlines are the source's words, not verified facts."""
        try:
            items = await research.news(_symbol(symbol), max(1, min(limit, 50)))
        except (NaetraError, ValueError) as exc:
            raise _failed(exc) from None
        first = items[0] if items else None
        source, simulated = (first.source, first.simulated) if first else ("none", False)
        return results.reply(results.research_result("news", symbol, items, source, simulated))

    @server.tool(annotations=READ_ONLY)
    async def get_events(symbol: str) -> CallToolResult:
        """A symbol's next earnings date and EPS estimate, dividends (ex-date, amount, pay
        date) and splits; an index or a currency has none, said in ``note``."""
        try:
            events = await research.events(_symbol(symbol))
        except (NaetraError, ValueError) as exc:
            raise _failed(exc) from None
        return results.reply(
            results.research_result("events", events.symbol, events, events.source, events.simulated)
        )

    @server.tool(annotations=READ_ONLY)
    async def get_option_chain(symbol: str, expiry: str | None = None) -> CallToolResult:
        """Calls and puts of one expiry (YYYY-MM-DD; default the nearest listed) with bid, ask,
        last, volume, open interest, implied volatility and Greeks computed locally."""
        try:
            day = date.fromisoformat(expiry) if expiry else None
            chain = await research.chain(_symbol(symbol), day)
        except (NaetraError, ValueError) as exc:
            raise _failed(exc) from None
        return results.reply(
            results.research_result("option chain", chain.symbol, chain, chain.source, chain.simulated)
        )


async def _watchlists(session: Session) -> dict[str, Any]:
    names = await session.state.watchlist_names()
    if not names:  # never opened in the app yet: the config's list is what it will show
        return {"watchlists": {"Default": list(session.loaded.config.app.watchlist)}, "active": "Default"}
    lists = {name: await session.state.watchlist(name) for name in names}
    active = await session.state.setting("active_watchlist", names[0])
    return {"watchlists": lists, "active": active}


def _add_proposal_tools(server: NaetraMCPServer, session: Session) -> None:
    @server.tool()
    async def propose_change(
        kind: Literal["watchlist_add", "alert", "lot"],
        change: dict[str, Any],
        reason: str,
        ctx: Context[Any, Any],
    ) -> CallToolResult:
        """Propose a change for the user to accept or reject (nothing changes until they do).
        watchlist_add: {"watchlist": name, "symbols": [...]}; alert: {"symbol", "expression"
        such as "price > 250"}; lot: {"symbol", "quantity", "price", "opened" YYYY-MM-DD}."""
        from ..services.proposals import InvalidProposal

        try:
            proposal = await session.proposals.propose(kind, change, reason, _client_name(ctx))
        except (InvalidProposal, NaetraError) as exc:
            raise _failed(exc) from None
        out = results.proposal_result(proposal)
        out["note"] = "Stored as a proposal: tell the user it waits for them to accept it in naetra-tui."
        return results.reply(out)

    @server.tool(annotations=READ_ONLY)
    async def get_proposals() -> CallToolResult:
        """The proposals made so far and whether the user accepted or rejected them."""
        return results.reply(
            {"proposals": [results.proposal_result(p) for p in await session.proposals.all()]}
        )


def _add_resources(server: NaetraMCPServer, session: Session) -> None:
    @server.resource("naetra://watchlists", mime_type="application/json")
    async def watchlists() -> str:
        """The user's watchlists."""
        return json.dumps(results.outgoing(await _watchlists(session)))

    @server.resource("naetra://portfolio", mime_type="application/json")
    async def portfolio() -> str:
        """The user's positions, valued now, with sources and ages."""
        return json.dumps(results.outgoing(results.portfolio_result(await session.valued_portfolio())))

    @server.prompt()
    def review_portfolio() -> str:
        """Review my portfolio, every figure grounded and checked."""
        return (
            "Review my portfolio. Call get_portfolio first; use get_quotes, analyze and get_fundamentals "
            "for the positions that matter. State only figures that come from these tool results, with "
            "their source and age, and say plainly when a price is SIMULATED or STALE or a total is "
            "INCOMPLETE. Before you answer, call check_figures on your draft and fix or remove every "
            "figure it reports as unverified."
        )
