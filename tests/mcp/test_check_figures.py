"""``check_figures``: every figure matched to one typed value — symbol, field, source, as-of
time — or unverified with why; a figure near the wrong field's or symbol's name is not verified
by a value of another (#33, and the field attribution of #31)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from naetra_tui.services.chat.attribution import Fact, attribute
from tests.mcp.conftest import config, result, served

AT = datetime(2026, 3, 10, 15, tzinfo=UTC)
FACTS = [
    Fact("AAPL", "price", 332.4, "yahoo_finance", AT),
    Fact("AAPL", "change_pct", -0.5, "yahoo_finance", AT, percent=True),
    Fact("AAPL", "RSI(14)", 61.27, "yahoo_finance", AT),
    Fact("MSFT", "price", 410.15, "yahoo_finance", AT),
    Fact("MSFT", "volume", 2_050_000, "yahoo_finance", AT),
]


def verdicts(text: str) -> list[tuple[str, bool, str]]:
    return [
        (v.figure, v.verified, f"{v.fact.symbol} {v.fact.field}" if v.fact else v.reason)
        for v in attribute(text, FACTS).verdicts
    ]


def test_each_figure_is_matched_to_its_symbol_and_field() -> None:
    got = verdicts(
        "AAPL trades at 332.40, down 0.50% today; its RSI is 61.3. MSFT last 410.15 on 2.05M shares."
    )
    assert got == [
        ("332.40", True, "AAPL price"),
        ("0.50%", True, "AAPL change_pct"),
        ("61.3", True, "AAPL RSI(14)"),
        ("410.15", True, "MSFT price"),
        ("2.05M", True, "MSFT volume"),
    ]


def test_a_figure_named_as_another_field_or_symbol_is_not_verified() -> None:
    got = verdicts("AAPL's RSI is 332.40. MSFT trades at 332.40. AAPL rose +0.50%. The volume was 7.7M.")
    assert got == [
        ("332.40", False, "written as rsi, but it is AAPL's price"),
        ("332.40", False, "written about MSFT, but it is AAPL's price"),
        ("+0.50%", False, "no value in the data matches it"),  # the sign is wrong
        ("7.7M", False, "no value in the data matches it"),
    ]


async def test_the_tool_verifies_true_figures_with_source_and_time_and_flags_the_rest(tmp_path: Path) -> None:
    async with served(config(tmp_path)) as (_, client):
        quote = result(await client.call_tool("get_quotes", {"symbols": ["AAPL"]}))["quotes"][0]
        tech = result(await client.call_tool("analyze", {"symbol": "AAPL"}))["analyzers"]["technical"]
        rsi = next(v["value"] for s in tech["sections"] for v in s["values"] if v["name"] == "RSI(14)")
        price, change = quote["price"], quote["change_pct"]
        text = (
            f"AAPL trades at ${price:,.2f}, {'down' if change < 0 else 'up'} {abs(change):.2f}% today. "
            f"Its RSI(14) is {rsi:.1f}, so not overbought. The RSI is {price:.2f} by another reading, "
            f"and MSFT closed at {price:.2f}. Analysts expect 412.77 by June."
        )
        data = result(await client.call_tool("check_figures", {"text": text}))
    assert data["symbols"] == ["AAPL", "MSFT"]
    verified = {v["figure"]: v["matched"] for v in data["verified"]}
    assert verified[f"${price:,.2f}"]["field"] == "price" and verified[f"${price:,.2f}"]["symbol"] == "AAPL"
    assert verified[f"{abs(change):.2f}%"]["field"] == "change_pct"
    assert verified[f"{rsi:.1f}"]["field"] == "RSI(14)"
    for match in verified.values():
        assert match["source"].startswith("SIMULATED") and match["simulated"] is True
        assert match["as_of"].startswith("2026-03-10")
    unverified = [(v["figure"], v["reason"]) for v in data["unverified"]]
    assert unverified == [
        (f"{price:.2f}", "written as rsi, but it is AAPL's price"),
        (f"{price:.2f}", "written about MSFT, but it is AAPL's price"),
        ("412.77", "no value in the data matches it"),
    ]
    assert "SIMULATED" in data["summary"] and "412.77" in data["summary"]


async def test_symbols_given_are_checked_when_the_text_names_none(tmp_path: Path) -> None:
    async with served(config(tmp_path)) as (_, client):
        price = result(await client.call_tool("get_quotes", {"symbols": ["7203.T"]}))["quotes"][0]["price"]
        data = result(
            await client.call_tool(
                "check_figures", {"text": f"Toyota closed at {price:.2f} yen.", "symbols": ["7203.T"]}
            )
        )
    assert data["symbols"] == ["7203.T"] and data["verified"][0]["matched"]["symbol"] == "7203.T"


def test_the_chat_flags_only_strict_mislabels_not_loose_words() -> None:
    from naetra_tui.services.chat.attribution import field_conflicts

    found = field_conflicts(
        "AAPL's RSI is 332.40. It dipped to a low of 332.40 intraday. MSFT trades at 332.40.", FACTS
    )
    assert [(text, start) for text, start, _ in found] == [("332.40", 14), ("332.40", 76)]


async def test_earnings_and_option_figures_are_checked_against_the_calendar_and_the_chain(
    tmp_path: Path,
) -> None:
    """#34: a text about earnings or options is checked against the events and the chain too."""
    async with served(config(tmp_path)) as (_, client):
        events = result(await client.call_tool("get_events", {"symbol": "AAPL"}))["events"]
        chain = result(await client.call_tool("get_option_chain", {"symbol": "AAPL"}))["option_chain"]
        eps = events["earnings_eps_estimate"]
        spot = chain["underlying_price"]
        atm = min(chain["calls"], key=lambda c: abs(c["strike"] - spot))
        iv = f"{atm['implied_vol'] * 100:.1f}%"
        text = f"AAPL's earnings EPS estimate is {eps}; its {atm['strike']:g} call has an IV of {iv}. Its RSI is {eps}."
        data = result(await client.call_tool("check_figures", {"text": text}))
    matched = {v["figure"]: v["matched"]["field"] for v in data["verified"]}
    assert matched[f"{eps}"] == "eps estimate" and matched[iv] == "call iv"
    [refused] = data["unverified"]  # the same number written as RSI: not RSI's value
    assert refused["figure"] == f"{eps}" and refused["reason"].startswith("written as rsi, but it is AAPL's")
