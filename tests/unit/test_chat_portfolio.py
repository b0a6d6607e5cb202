"""The chat about the user's positions (#23): a question about the portfolio is grounded on
the positions and their P&L (figures with currency, source and age, checked by the figure
check); the read-only get_portfolio tool gives the same; a question about a symbol alone does
not carry the portfolio; with no positions the tool says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.config import load_config
from naetra_tui.core.portfolio import Lot
from naetra_tui.services.chat.grounding import about_portfolio
from naetra_tui.services.portfolio.store import PortfolioStore
from naetra_tui.services.session import chat_service, session_for
from tests.fakes.ollama_server import Turn, fake_ollama
from tests.unit.test_chat import collect, config


@pytest.fixture
def ollama() -> Any:
    with fake_ollama() as (url, fake):
        yield url, fake


@pytest.mark.parametrize(
    ("question", "about"),
    [
        ("How is my portfolio doing today?", True),
        ("what's my P&L", True),
        ("am I up on my shares?", True),
        ("list my positions", True),
        ("How is AAPL doing?", False),
        ("compare MSFT and AAPL", False),
    ],
)
def test_which_questions_are_about_the_portfolio(question: str, about: bool) -> None:
    assert about_portfolio(question) is about


async def test_a_portfolio_question_is_grounded_on_the_positions(tmp_path: Path, ollama: Any) -> None:
    url, fake = ollama
    async with session_for(load_config(config(tmp_path, url))) as session:
        await PortfolioStore(session.state).add(
            [Lot("AAPL", 10, 200, date(2026, 1, 5), 1.0), Lot("SAP.DE", 4, 150, date(2026, 1, 6))]
        )
        fake.script = [Turn(content="Your portfolio holds AAPL and SAP.DE.")]
        events = await collect(chat_service(session), "How is my portfolio doing today?")
        done = events[-1].message
        quote = session.market.rows["AAPL"].quote
        # valued at the pre- or post-market price while one is in force (the simulated NYSE
        # is in post-market after 21:00 UTC), else the regular one
        aapl = quote.extended_price if quote.extended and quote.extended_price is not None else quote.price
    sent = fake.requests[-1]["messages"][-1]["content"]
    assert sent.startswith("<data>\nportfolio (cost basis: average cost; base currency USD): 2 positions")
    assert "position AAPL: quantity 10 · average cost 200.10 USD" in sent
    assert f"price {aapl:,.2f} USD" in sent and "source SIMULATED" in sent
    assert "position SAP.DE: quantity 4" in sent and "FX: EURUSD=X" in sent
    assert done is not None and done.grounding == ["portfolio 2 positions in USD · SIMULATED"]


async def test_the_figure_check_verifies_figures_from_the_positions(tmp_path: Path, ollama: Any) -> None:
    url, fake = ollama
    async with session_for(load_config(config(tmp_path, url))) as session:
        await PortfolioStore(session.state).add([Lot("AAPL", 10, 200, date(2026, 1, 5), 1.0)])
        fake.script = [Turn(content="You hold 10 AAPL at an average cost of 200.10; it was 999.99 once.")]
        done = (await collect(chat_service(session), "what's my P&L?"))[-1].message
    assert done is not None
    assert "200.10" in done.verified_figures and "999.99" in done.unverified_figures


async def test_a_symbol_question_does_not_carry_the_portfolio(tmp_path: Path, ollama: Any) -> None:
    url, fake = ollama
    async with session_for(load_config(config(tmp_path, url))) as session:
        await PortfolioStore(session.state).add([Lot("AAPL", 10, 200, date(2026, 1, 5))])
        await collect(chat_service(session), "How is AAPL doing?", "AAPL")
    assert "portfolio (cost basis" not in fake.requests[-1]["messages"][-1]["content"]


async def test_the_get_portfolio_tool(tmp_path: Path, ollama: Any) -> None:
    url, fake = ollama
    call = Turn(tool_calls=[{"name": "get_portfolio", "arguments": {}}])
    async with session_for(load_config(config(tmp_path, url))) as session:
        fake.script = [call, Turn(content="You hold nothing.")]
        await collect(chat_service(session), "what do I own?")
        assert fake.requests[-1]["messages"][-1]["content"] == "(the user holds no positions)"
        await PortfolioStore(session.state).add([Lot("MSFT", -2, 400, date(2026, 1, 5))])
        fake.script = [call, Turn(content="A short in MSFT.")]
        events = await collect(chat_service(session), "what do I own?")
    result = fake.requests[-1]["messages"][-1]
    assert result["role"] == "tool" and result["tool_name"] == "get_portfolio"
    assert "position MSFT: quantity -2 · average cost 400.00 USD" in result["content"]
    assert [e.text for e in events if e.kind == "tool"] == ["tool: get_portfolio()"]
