"""The MCP tools through the SDK's real client: the values equal what the CLI prints for the same
clock, every number carries its source and age, simulated data says so in the text, and every
bad input gets one clear error with nothing changed (#33)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.mcp.conftest import cli_json, config, error, naetra, result, served

TOOLS = {"get_quotes", "get_history", "analyze", "get_fundamentals", "get_watchlists", "get_portfolio",
         "get_alerts", "check_figures", "get_news", "get_events", "get_option_chain"}  # fmt: skip


async def test_lists_a_small_read_only_surface_with_schemas_resources_and_a_prompt(tmp_path: Path) -> None:
    async with served(config(tmp_path)) as (_, client):
        tools = (await client.list_tools()).tools
        assert {t.name for t in tools} == TOOLS  # no propose_change: read-only by default
        for tool in tools:
            assert tool.description and len(tool.description) < 300
            assert tool.input_schema["type"] == "object"
            assert tool.annotations is not None and tool.annotations.read_only_hint
        history = next(t for t in tools if t.name == "get_history")
        assert "MAX" in history.input_schema["properties"]["range"]["enum"]
        uris = {str(r.uri) for r in (await client.list_resources()).resources}
        assert uris == {"naetra://watchlists", "naetra://portfolio"}
        prompt = await client.get_prompt("review_portfolio")
        text = prompt.messages[0].content.text
        assert "check_figures" in text and "SIMULATED" in text


def test_the_tool_enums_are_the_apps_timeframes_and_ranges() -> None:
    import typing

    from naetra_tui.core.timeframes import RANGES, TIMEFRAMES
    from naetra_tui.mcp import server

    source = Path(server.__file__).read_text(encoding="utf-8")
    assert str(list(TIMEFRAMES)).replace("'", '"').strip("[]") in source
    assert str(list(RANGES)).replace("'", '"').strip("[]") in source
    assert typing.get_args  # the Literal types are written out for the schema an agent reads


async def test_get_quotes_equal_quote_json_with_source_age_and_simulated_said_in_words(
    tmp_path: Path,
) -> None:
    path = config(tmp_path)
    printed = {q["symbol"]: q for q in cli_json(path, "quote", "AAPL", "7203.T", "--json")}
    async with served(path) as (_, client):
        data = result(await client.call_tool("get_quotes", {"symbols": ["aapl", "7203.T"]}))
    served_quotes = {q["symbol"]: q for q in data["quotes"]}
    assert served_quotes.keys() == printed.keys() == {"AAPL", "7203.T"}
    for symbol, quote in served_quotes.items():
        for key in (
            "price",
            "change_pct",
            "previous_close",
            "volume",
            "currency",
            "source",
            "as_of",
            "simulated",
        ):
            assert quote[key] == printed[symbol][key], (symbol, key)
        assert quote["age_seconds"] == 0.0 and quote["stale"] is False
        assert "SIMULATED" in quote["summary"] and quote["as_of"] in quote["summary"]
    assert served_quotes["7203.T"]["currency"] == "JPY" and "JPY" in served_quotes["7203.T"]["summary"]
    assert any("SIMULATED" in note for note in data["notes"])


async def test_analyze_and_history_equal_the_cli(tmp_path: Path) -> None:
    path = config(tmp_path)
    printed = cli_json(path, "analyze", "AAPL", "--json")
    bars = cli_json(path, "history", "AAPL", "--range", "3M", "--json")
    async with served(path) as (_, client):
        data = result(await client.call_tool("analyze", {"symbol": "AAPL"}))["analyzers"]
        history = result(await client.call_tool("get_history", {"symbol": "AAPL", "range": "3M"}))
    assert data["technical"]["sections"] == printed["technical"]["sections"]
    assert data["technical"]["signals"] == printed["technical"]["signals"]
    assert "SIMULATED" in data["technical"]["summary"]
    assert history["bars"] == bars["bars"] and history["simulated"] is True
    assert history["source"].startswith("SIMULATED") and "last close" in history["summary"]


async def test_get_portfolio_equals_portfolio_json_in_the_base_currency(
    tmp_path: Path,
) -> None:
    path = config(tmp_path)
    assert naetra(path, "portfolio", "add", "AAPL", "10", "200", "--date", "2026-01-05").returncode == 0
    assert naetra(path, "portfolio", "add", "SAP.DE", "5", "150", "--date", "2026-02-02").returncode == 0
    printed = cli_json(path, "portfolio", "--json")
    async with served(path) as (_, client):
        data = result(await client.call_tool("get_portfolio", {}))
        resource = await client.read_resource("naetra://portfolio")
    assert data["totals"] == printed["totals"] and data["fx_rates"] == printed["fx_rates"]
    assert [p["value_base"] for p in data["positions"]] == [p["value_base"] for p in printed["positions"]]
    assert "SIMULATED" in data["summary"] and "USD" in data["summary"]
    assert json.loads(resource.contents[0].text)["totals"] == printed["totals"]


async def test_watchlists_and_alerts_are_the_users(tmp_path: Path) -> None:
    path = config(tmp_path)
    async with served(path) as (session, client):
        await session.alerts.add("AAPL", "price > 250")
        lists = result(await client.call_tool("get_watchlists", {}))
        alerts = result(await client.call_tool("get_alerts", {}))["alerts"]
    assert lists["watchlists"] == {"Default": ["AAPL", "MSFT"]} and lists["active"] == "Default"
    assert [a["text"] for a in alerts] == ["AAPL: price > 250"]


@pytest.mark.parametrize(
    ("name", "arguments", "says"),
    [
        ("place_order", {"symbol": "AAPL"}, "unknown tool 'place_order'; the tools are: get_quotes"),
        ("get_quotes", {}, "symbols: Field required"),
        (
            "get_quotes",
            {"symbols": ["AAPL"], "limit": 5},
            "get_quotes does not take limit; it takes: symbols",
        ),
        ("get_quotes", {"symbols": "AAPL"}, "symbols: Input should be a valid list"),
        (
            "get_quotes",
            {"symbols": [f"S{i}" for i in range(10_000)]},
            "10000 symbols given; at most 50 per call",
        ),
        ("get_quotes", {"symbols": ["AA\x1b[31mPL"]}, "'AA?[31MPL' is not a valid symbol"),
        ("get_quotes", {"symbols": ["[bold red]AAPL[/]"]}, "is not a valid symbol"),
        ("get_history", {"symbol": "AAPL", "range": "100Y"}, "range: Input should be '1D'"),
        ("check_figures", {"text": "AAPL is 1.0 " * 500_000}, "characters; at most 200,000 per call"),
        ("analyze", {"symbol": 42}, "symbol: Input should be a valid string"),
    ],
)
async def test_bad_calls_get_one_clear_error_and_change_nothing(
    tmp_path: Path, name: str, arguments: dict, says: str
) -> None:
    async with served(config(tmp_path)) as (session, client):
        before = sorted(await session.state.storage.keys(""))
        text = error(await client.call_tool(name, arguments))
        after = sorted(await session.state.storage.keys(""))
    assert says in text
    assert "\n" not in text and "\x1b" not in text and "pydantic" not in text
    assert [k for k in after if not k.startswith("cache/")] == [
        k for k in before if not k.startswith("cache/")
    ]


async def test_calls_per_minute_are_bounded(tmp_path: Path) -> None:
    async with served(config(tmp_path, calls_per_minute=3)) as (_, client):
        for _ in range(3):
            result(await client.call_tool("get_watchlists", {}))
        text = error(await client.call_tool("get_watchlists", {}))
    assert "at most 3 a minute (mcp.calls_per_minute)" in text


async def test_collectors_all_down_say_unavailable_and_why_never_a_value(tmp_path: Path) -> None:
    down = (
        "    - {name: alpha_vantage, plugin: alpha_vantage, config: {api_key: sk-live-VERYSECRET99,"
        " base_url: 'http://127.0.0.1:9/query'}}\n"
    )
    async with served(config(tmp_path, collectors=down)) as (_, client):
        call = await client.call_tool("get_quotes", {"symbols": ["AAPL"]})
        text = call.content[0].text
        data = result(call)
        figures = result(await client.call_tool("check_figures", {"text": "AAPL trades at 228.65"}))
    assert data["quotes"] == [] and data["unavailable"][0]["symbol"] == "AAPL"
    assert data["unavailable"][0]["reason"] and "Do not guess" in data["notes"][0]
    assert "VERYSECRET99" not in text
    assert figures["unverified"][0]["figure"] == "228.65" and figures["unavailable"][0]["symbol"] == "AAPL"


async def test_remote_text_reaches_the_agent_cleaned(tmp_path: Path) -> None:
    from naetra_tui.core.models import Quote
    from naetra_tui.mcp import results

    quote = Quote(symbol="EVIL", price=1.0, source="x\x1b]8;;http://evil\x07y", name="A\u202eB\x1b[2J\x07C")
    row = type("Row", (), {"quote": quote, "stale": False, "symbol": "EVIL", "error": None})()
    data = results.outgoing(results.quotes_result({"EVIL": row}))
    dumped = json.dumps(data, ensure_ascii=False)
    assert "\x1b" not in dumped and "\u202e" not in dumped and "\x07" not in dumped
    assert data["quotes"][0]["name"] == "ABC"


@pytest.mark.parametrize(
    "hostile",
    [
        "a\x1b[2Jb", "a\rb", "a\x08b", "a\x0cb", "a\u202eb", "a\x7fb", "a\x9bb", "a\u200bb",
        "key sk-test-\"quoted\\secret", "https://user:hunter2pass@db.example/x", "GET /q?apikey=ABCDEF123",
    ],
)  # fmt: skip
def test_every_string_an_agent_reads_is_cleaned_and_redacted_fast_path_or_not(hostile: str) -> None:
    from naetra_tui.core.secrets import register_secret
    from naetra_tui.mcp.results import public

    register_secret('sk-test-"quoted\\secret')
    plain = {"quotes": [{"symbol": "AAPL", "name": "Apple Inc.", "summary": "line one\nline two\ttab"}]}
    assert public(plain) is plain  # nothing to clean: returned as it is
    dirty = {"quotes": [{"symbol": "AAPL", "name": hostile, "nested": [{hostile: hostile}]}]}
    dumped = json.dumps(public(dirty), ensure_ascii=False)
    for bad in (
        "\x1b",
        "\r",
        "\x08",
        "\x0c",
        "\u202e",
        "\x7f",
        "\x9b",
        "\u200b",
        "quoted",
        "hunter2pass",
        "ABCDEF123",
    ):
        assert bad not in dumped, bad


async def test_fundamentals_carry_their_source_and_age(tmp_path: Path) -> None:
    async with served(config(tmp_path)) as (_, client):
        data = result(await client.call_tool("get_fundamentals", {"symbol": "MSFT"}))
    assert data["source"].startswith("SIMULATED") and data["simulated"] is True
    assert data["age_seconds"] == 0.0 and data["fetched_at"].startswith("2026-03-10T15:00")
    assert data["fetched_at"] in data["summary"] and "do not fill it in" in data["summary"]
    assert data["pe_trailing"] > 0


async def test_news_events_and_options_equal_what_the_cli_prints(tmp_path: Path) -> None:
    """#34 over MCP: the same checked values as `naetra-tui events/options --json`, SIMULATED
    said in words; an unlisted expiry and a bad date are one clear error each."""
    path = config(tmp_path)
    printed_events = cli_json(path, "events", "AAPL", "--json")[0]
    printed_chain = cli_json(path, "options", "AAPL", "--json")
    async with served(path) as (_, client):
        events = result(await client.call_tool("get_events", {"symbol": "aapl"}))
        chain = result(await client.call_tool("get_option_chain", {"symbol": "AAPL"}))
        news = result(await client.call_tool("get_news", {"symbol": "AAPL", "limit": 3}))
        unlisted = error(
            await client.call_tool("get_option_chain", {"symbol": "AAPL", "expiry": "2001-01-05"})
        )
        bad = error(await client.call_tool("get_option_chain", {"symbol": "AAPL", "expiry": "friday"}))
    assert events["events"]["next_earnings"] == printed_events["next_earnings"]
    assert events["events"]["dividends"] == printed_events["dividends"]
    assert "SIMULATED" in events["summary"] and "SIMULATED" in chain["summary"]
    served_chain = chain["option_chain"]
    assert served_chain["expiry"] == printed_chain["expiry"]
    assert [c["strike"] for c in served_chain["calls"]] == [c["strike"] for c in printed_chain["calls"]]
    assert served_chain["calls"][0]["greeks"].keys() == {"delta", "gamma", "theta", "vega"}
    assert len(news["news"]) == 3 and all(n["title"].startswith("[SIMULATED]") for n in news["news"])
    assert "no options expiring 2001-01-05 (listed: " in unlisted and "\n" not in unlisted
    assert "friday" in bad
