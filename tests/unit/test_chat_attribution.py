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
