"""Agents propose, people decide (#33): a proposal is checked when made, stored (kept like any
write when the storage refuses it), changes nothing until the person accepts it — with
``naetra-tui proposals accept ID`` or in the app — and is applied once."""

from __future__ import annotations

import json
from pathlib import Path

from tests.mcp.conftest import config, error, naetra, result, served


async def test_read_only_unless_proposals_are_allowed(tmp_path: Path) -> None:
    async with served(config(tmp_path)) as (_, client):
        text = error(await client.call_tool("propose_change", {"kind": "alert", "change": {}, "reason": ""}))
    assert "unknown tool 'propose_change'" in text


async def test_a_proposal_changes_nothing_until_accepted_then_applies_once(tmp_path: Path) -> None:
    path = config(tmp_path, proposals=True)
    async with served(path) as (session, client):
        made = result(
            await client.call_tool(
                "propose_change",
                {
                    "kind": "alert",
                    "change": {"symbol": "aapl", "expression": "price > 250"},
                    "reason": "breakout",
                },
            )
        )
        lot = result(
            await client.call_tool(
                "propose_change",
                {
                    "kind": "lot",
                    "change": {"symbol": "MSFT", "quantity": 3, "price": 400, "opened": "2026-02-02"},
                    "reason": "you said you bought these",
                },
            )
        )
        await session.alerts.load()
        assert session.alerts.alerts == [] and session.portfolio.symbols() == []
        assert made["status"] == "pending" and made["summary"] == "alert AAPL: price > 250"
        assert "waits for them to accept" in made["note"] and made["proposed_by"].startswith("mcp")
    listed = naetra(path, "proposals")
    assert listed.returncode == 0 and made["id"] in listed.stdout and "breakout" in listed.stdout
    accepted = naetra(path, "proposals", "accept", made["id"])
    assert accepted.returncode == 0 and "alert set: AAPL: price > 250" in accepted.stdout
    again = naetra(path, "proposals", "accept", made["id"])
    assert again.returncode == 1 and f"proposal {made['id']} was accepted already" in again.stderr
    rejected = naetra(path, "proposals", "reject", lot["id"])
    assert rejected.returncode == 0
    alerts = naetra(path, "proposals", "--json")
    statuses = {p["id"]: p["status"] for p in json.loads(alerts.stdout)}
    assert statuses == {made["id"]: "accepted", lot["id"]: "rejected"}
    portfolio = json.loads(naetra(path, "portfolio", "--json").stdout)
    assert portfolio["positions"] == []  # the rejected lot was never added
    async with served(path) as (session, client):
        assert [a.text for a in session.alerts.alerts] == ["AAPL: price > 250"]  # once
        status = result(await client.call_tool("get_proposals", {}))["proposals"]
    assert {p["status"] for p in status} == {"accepted", "rejected"}


async def test_bad_proposals_are_refused_when_made_and_nothing_is_stored(tmp_path: Path) -> None:
    path = config(tmp_path, proposals=True)
    cases = [
        (
            {"kind": "alert", "change": {"symbol": "AAPL", "expression": "price >> 1"}, "reason": ""},
            "is compared with nothing",
        ),
        ({"kind": "lot", "change": {"symbol": "AAPL", "quantity": 0, "price": 1}, "reason": ""}, "quantity"),
        (
            {"kind": "watchlist_add", "change": {"watchlist": "Nope", "symbols": ["AAPL"]}, "reason": ""},
            "no list named 'Nope'",
        ),
        (
            {
                "kind": "watchlist_add",
                "change": {"watchlist": "Default", "symbols": ["A\x1bB"]},
                "reason": "",
            },
            "not a valid symbol",
        ),
        ({"kind": "delete_everything", "change": {}, "reason": ""}, "kind: Input should be"),
    ]
    async with served(path) as (session, client):
        await session.state.ensure_default("Default", ["AAPL"])
        for arguments, says in cases:
            assert says in error(await client.call_tool("propose_change", arguments))
        assert await session.proposals.all() == []


async def test_a_symbol_no_source_knows_is_refused(tmp_path: Path) -> None:
    down = "    - {name: alpha_vantage, plugin: alpha_vantage, config: {api_key: x, base_url: 'http://127.0.0.1:9/q'}}\n"
    async with served(config(tmp_path, proposals=True, collectors=down)) as (session, client):
        await session.state.ensure_default("Default", ["AAPL"])
        text = error(
            await client.call_tool(
                "propose_change",
                {
                    "kind": "watchlist_add",
                    "change": {"watchlist": "Default", "symbols": ["ZZZZQ"]},
                    "reason": "x",
                },
            )
        )
        assert "no data source has a price for ZZZZQ" in text
        assert await session.proposals.all() == []


async def test_a_proposal_made_while_the_storage_refuses_writes_is_kept_and_lands(tmp_path: Path) -> None:
    from tests.integration.test_pending_writes import eventually, fill_until_full, make_room

    path = config(tmp_path, proposals=True)
    async with served(path) as (session, client):
        sqlite = session.storage.storage
        await fill_until_full(sqlite)
        made = result(
            await client.call_tool(
                "propose_change",
                {
                    "kind": "alert",
                    "change": {"symbol": "AAPL", "expression": "rsi < 30"},
                    "reason": "oversold",
                },
            )
        )
        pending = session.storage.pending
        assert pending is not None and pending.unsaved == 1  # kept, and said in the status bar
        assert [p.id for p in await session.proposals.pending()] == [made["id"]]  # visible meanwhile
        await make_room(sqlite)

        async def landed() -> bool:
            return await sqlite.retrieve(f"proposals/{made['id']}") is not None

        await eventually(landed)
    listed = naetra(path, "proposals")
    assert made["id"] in listed.stdout and "oversold" in listed.stdout


async def test_a_malformed_proposal_record_is_skipped_and_the_rest_listed(tmp_path: Path) -> None:
    path = config(tmp_path, proposals=True)
    async with served(path) as (session, client):
        made = result(
            await client.call_tool(
                "propose_change",
                {"kind": "alert", "change": {"symbol": "AAPL", "expression": "rsi < 30"}, "reason": "ok"},
            )
        )
        await session.state.storage.store(
            "proposals/broken", {"id": "broken", "kind": "alert", "change": "x\x1b[2J"}
        )
        await session.state.storage.store("proposals/odd", ["not", "a", "proposal"])
        assert [p.id for p in await session.proposals.all()] == [made["id"]]
    listed = naetra(path, "proposals")
    assert listed.returncode == 0 and made["id"] in listed.stdout and "broken" not in listed.stdout
    assert "\x1b" not in listed.stdout + listed.stderr
    refused = naetra(path, "proposals", "accept", "broken")
    assert refused.returncode == 1 and "not a proposal" in refused.stderr and "\x1b" not in refused.stderr
