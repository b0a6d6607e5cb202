"""Proposals from AI assistants in the app (#33): a proposal an MCP server stored on this
storage shows in the status bar; M lists who proposed what and why; y applies it, n rejects it;
nothing changes before."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from naetra_tui.config import load_config
from naetra_tui.core import clock
from naetra_tui.services.session import session_for
from tests.ui.conftest import FROZEN_AT, app_config, make_app, painted_lines, wait_for
from tests.ui.test_main_screen import started


async def test_a_proposal_from_another_process_is_shown_then_accepted_here(tmp_path: Path) -> None:
    path = app_config(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await started(pilot, app)
        # the MCP server: another Session on the same storage
        async with session_for(load_config(path)) as server:
            alert = await server.proposals.propose(
                "alert",
                {"symbol": "MSFT", "expression": "price < 100"},
                "[b]crash[/b] \x1b[2J watch",
                "claude-ai 1.0",
            )
            clock.freeze(FROZEN_AT + timedelta(seconds=5))  # proposed a little later: listed second
            lot = await server.proposals.propose(
                "lot",
                {"symbol": "AAPL", "quantity": 2, "price": 150, "opened": "2026-11-02"},
                "bought",
                "cursor",
            )
        await pilot.press("r")
        await wait_for(pilot, lambda: "2 proposals from agents (M)" in "\n".join(painted_lines(app)))
        assert (
            app.alert_rules.alerts == []
            and app.session.portfolio is not None
            and app.session.portfolio.symbols() == []
        )
        await pilot.press("M")
        await wait_for(pilot, lambda: "alert MSFT: price < 100" in "\n".join(painted_lines(app)))
        painted = "\n".join(painted_lines(app))
        assert "[b]crash[/b]  watch" in painted and "claude-ai 1.0" in painted  # shown as text, cleaned
        await pilot.press("y")  # the first row: the oldest pending proposal
        await wait_for(pilot, lambda: any("Accepted: alert set" in n.message for n in app._notifications))
        await pilot.press("n")  # pending ones come first: the cursor is on the next one
        await wait_for(pilot, lambda: any("Rejected" in n.message for n in app._notifications))
        statuses = {p.id: p.status for p in await app.session.proposals.all()}
        assert statuses == {alert.id: "accepted", lot.id: "rejected"}
        await pilot.press("escape", "r")
        await wait_for(pilot, lambda: "proposal" not in "\n".join(painted_lines(app)).split("\n")[-2])
        await app.session.alerts.load()
        assert [a.text for a in app.session.alerts.alerts] == ["MSFT: price < 100"]
        assert app.session.portfolio.symbols() == []


async def test_an_accepted_change_lands_and_shows_even_when_the_screen_closes_at_once(tmp_path: Path) -> None:
    """The decision runs on the App, not on the screen: Esc right after y cancels nothing, and
    the accepted symbol is on the watchlist at once (not at the next refresh)."""
    path = app_config(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await started(pilot, app)
        async with session_for(load_config(path)) as server:
            await server.proposals.propose(
                "watchlist_add", {"watchlist": "Default", "symbols": ["NVDA"]}, "momentum", "claude-ai"
            )
        await pilot.press("M")
        await wait_for(pilot, lambda: "NVDA" in "\n".join(painted_lines(app)))
        await pilot.press("y", "escape")  # closed before the decision is done
        await wait_for(pilot, lambda: "NVDA" in app.main_screen.table.symbols)
        assert any("Accepted" in n.message for n in app._notifications)
        assert [p.status for p in await app.session.proposals.all()] == ["accepted"]
        assert "NVDA" in await app.session.state.watchlist("Default")
