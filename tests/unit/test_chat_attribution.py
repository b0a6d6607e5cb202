"""The chat's figure check knows which field a figure is (#31): "RSI 332.40" is not verified by
a price of 332.40, nor "MSFT trades at X" by AAPL's price X, though both numbers are in the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from naetra_tui.config import load_config
from naetra_tui.services.session import chat_service, session_for
from tests.fakes.ollama_server import Turn, fake_ollama
from tests.unit.test_chat import collect, config


async def test_a_figure_named_as_another_field_or_symbol_is_unverified(tmp_path: Path) -> None:
    with fake_ollama() as (url, fake):
        async with session_for(load_config(config(tmp_path, url))) as session:
            rows = await session.market.refresh(["AAPL", "MSFT"])
            price = rows["AAPL"].quote.price
            technical = (await session.analysis.analyze("AAPL", "1D", "2Y"))["technical"].analysis
            rsi = next(v.value for s in technical.sections for v in s.values if v.name == "RSI(14)")
            fake.script = [
                Turn(
                    content=f"AAPL trades at {price:.2f} and its RSI(14) is {rsi:.1f}. "
                    f"Its RSI is {price:.2f} on another reading. MSFT trades at {price:.2f} as well."
                )
            ]
            chat = chat_service(session)
            events: list[Any] = await collect(chat, "How is AAPL doing?", "AAPL")
    message = events[-1].message
    assert f"{rsi:.1f}" in message.verified_figures and f"{price:.2f}" not in message.verified_figures
    assert f"{price:.2f}" in message.unverified_figures  # written as RSI, and about MSFT
    notes = message.figure_notes
    assert notes[f"{rsi:.1f}"].startswith("AAPL RSI(14) · SIMULATED · as of ")  # what it matched
    assert notes[f"{price:.2f}"] == "written as rsi, but it is AAPL's price"  # why it is not


async def test_a_tools_values_are_typed_so_a_mislabelled_one_is_caught_and_named(tmp_path: Path) -> None:
    """A figure from a tool result is checked against that tool's typed values, not only its
    text: MSFT's last close (fetched by get_history) verifies as MSFT's close, and written as
    MSFT's RSI it is unverified — the text check alone found it and passed it."""
    with fake_ollama() as (url, fake):
        async with session_for(load_config(config(tmp_path, url))) as session:
            history = await session.market.history("MSFT", "1D", "1Y")
            close = float(history.close[-1])
            call = {"name": "get_history", "arguments": {"symbol": "MSFT", "timeframe": "1D", "range": "1Y"}}
            fake.script = [
                Turn(tool_calls=[call]),
                Turn(content=f"MSFT closed at {close:.4f}. Oddly, MSFT RSI stands at {close:.2f}."),
            ]
            chat = chat_service(session)
            events: list[Any] = await collect(chat, "How did it end?", "AAPL")
    message = events[-1].message
    assert message.verified_figures == [f"{close:.4f}"]
    assert message.figure_notes[f"{close:.4f}"].startswith("MSFT close · SIMULATED · as of ")
    assert message.unverified_figures == [f"{close:.2f}"]
    assert message.figure_notes[f"{close:.2f}"] == "written as rsi, but it is MSFT's close"
