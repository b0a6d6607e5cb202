"""The chat answers about earnings, dividends and options from the data (#34): a question about
them puts the calendar or the chain in the context (models without tools), the tools fetch
them (models with tools), and the figure check attributes their figures — an EPS estimate, a
dividend, a strike's IV — or refuses one written as the wrong field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from naetra_tui.config import load_config
from naetra_tui.services.session import chat_service, session_for
from tests.fakes.ollama_server import Turn, fake_ollama
from tests.unit.test_chat import collect, config


async def test_when_are_the_next_earnings_is_answered_from_the_calendar(tmp_path: Path) -> None:
    with fake_ollama() as (url, fake):
        async with session_for(load_config(config(tmp_path, url))) as session:
            events = await session.research.events("AAPL")
            dividend = events.dividends[-1].amount
            eps = events.earnings_eps_estimate
            fake.script = [
                Turn(
                    content=f"AAPL reports on {events.next_earnings} with an EPS estimate of {eps}; "
                    f"the dividend is {dividend} USD. Its RSI is {dividend}."
                )
            ]
            chat = chat_service(session)
            answer: list[Any] = await collect(chat, "When are AAPL's next earnings?", "AAPL")
    sent = fake.requests[-1]["messages"][-1]["content"]
    assert f"next earnings {events.next_earnings}" in sent and "source SIMULATED" in sent
    message = answer[-1].message
    assert any(label.startswith("events AAPL · SIMULATED") for label in message.grounding)
    assert f"{eps}" in message.verified_figures
    assert message.figure_notes[f"{eps}"].startswith("AAPL eps estimate · SIMULATED")
    assert message.figure_notes[f"{dividend}"] == "written as rsi, but it is AAPL's dividend"
    assert str(events.next_earnings) not in message.unverified_figures  # the date is in the data


async def test_a_model_with_tools_reads_the_chain_and_its_iv_is_checked(tmp_path: Path) -> None:
    with fake_ollama() as (url, fake):
        async with session_for(load_config(config(tmp_path, url))) as session:
            chain = await session.research.chain("MSFT")
            spot = chain.underlying_price
            atm = min(chain.calls, key=lambda c: abs(c.strike - spot))
            iv = f"{atm.implied_vol * 100:.1f}%"
            fake.script = [
                Turn(tool_calls=[{"name": "get_option_chain", "arguments": {"symbol": "MSFT"}}]),
                Turn(content=f"The MSFT {atm.strike:g} call trades at an IV of {iv}."),
            ]
            chat = chat_service(session)
            answer: list[Any] = await collect(chat, "How expensive are MSFT calls?", "AAPL")
    tool_result = next(m for m in fake.requests[-1]["messages"] if m["role"] == "tool")["content"]
    assert f"call strike {atm.strike:g}: bid {atm.bid} ask {atm.ask}" in tool_result
    message = answer[-1].message
    assert iv in message.verified_figures
    assert message.figure_notes[iv].startswith("MSFT call iv · SIMULATED")
