"""Everything a remote model controls is bounded (#31): the answer's size, a line's length, the
time for the whole answer (keep-alives do not extend it), tool calls per round and rounds.
Each ends the answer with a sentence, keeps what arrived, and makes `ask` exit 1."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.cli import main
from naetra_tui.config import load_config
from naetra_tui.services.chat import service as chat_module
from naetra_tui.services.session import chat_service, session_for
from tests.fakes.hostile_sse import hostile_sse
from tests.fakes.openai_server import FakeOpenAI, Reply, fake_openai
from tests.unit.test_openai_provider import collect, config


async def ask_once(tmp_path: Path, url: str, **limits: Any) -> tuple[list[Any], float]:
    async with session_for(load_config(config(tmp_path, url))) as session:
        chat = chat_service(session)
        for name, value in limits.items():
            setattr(chat, name, value)
        started = time.monotonic()
        events = await collect(chat, "How is AAPL doing?", "AAPL")
        return events, time.monotonic() - started


async def test_an_endless_answer_stops_at_the_size_limit_and_keeps_what_came(tmp_path: Path) -> None:
    with hostile_sse("endless") as url:
        events, took = await ask_once(tmp_path, url)
    last = events[-1]
    assert last.kind == "error" and "passed 40,000 characters" in last.text
    assert last.message is not None and last.message.interrupted
    assert 39_000 < len(last.message.content) <= chat_module.MAX_ANSWER_CHARS
    assert took < 15


async def test_a_line_that_never_ends_is_refused_before_it_fills_memory(tmp_path: Path) -> None:
    with hostile_sse("long_line") as url:
        events, _ = await ask_once(tmp_path, url)
    assert events[-1].kind == "error" and "a line of more than 1,000,000 bytes" in events[-1].text


async def test_keep_alives_do_not_extend_the_deadline(tmp_path: Path) -> None:
    with hostile_sse("keepalive", seconds=20) as url:  # a comment every 0.2 s: the read timeout never fires
        events, took = await ask_once(tmp_path, url, answer_deadline=1.5)
    assert events[-1].kind == "error" and "took more than 1.5 s in all" in events[-1].text
    assert took < 6


async def test_a_round_with_too_many_tool_calls_runs_none_of_them(tmp_path: Path) -> None:
    calls = [{"name": "get_quote", "arguments": {"symbols": ["AAPL"]}}] * 1500
    with fake_openai(FakeOpenAI(script=[Reply(tool_calls=calls)])) as (url, fake):
        events, _ = await ask_once(tmp_path, url)
    assert not [e for e in events if e.kind == "tool"]
    assert events[-1].kind == "error" and "tool calls in one answer (at most 8)" in events[-1].text
    assert len(fake.requests) == 1


async def test_a_model_that_only_calls_tools_ends_with_a_clear_error_not_an_empty_answer(
    tmp_path: Path,
) -> None:
    forever = Reply(tool_calls=[{"name": "get_quote", "arguments": {"symbols": ["AAPL"]}}])
    with fake_openai(FakeOpenAI(default=forever)) as (url, _fake):
        events, _ = await ask_once(tmp_path, url)
    assert len([e for e in events if e.kind == "tool"]) == chat_module.MAX_TOOL_ROUNDS
    assert events[-1].kind == "error" and "kept calling tools for 4 rounds" in events[-1].text


def test_ask_exits_1_when_the_model_only_calls_tools(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forever = Reply(tool_calls=[{"name": "get_quote", "arguments": {"symbols": ["AAPL"]}}])
    with fake_openai(FakeOpenAI(default=forever)) as (url, _fake):
        code = main(["--config", str(config(tmp_path, url)), "ask", "--symbol", "AAPL", "price?"])
    assert code == 1 and "kept calling tools" in capsys.readouterr().err  # not an empty answer, exit 0


@pytest.mark.parametrize("mode", ["endless", "long_line"])
def test_ask_exits_1_with_one_line_on_a_runaway_stream(
    tmp_path: Path, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with hostile_sse(mode) as url:
        code = main(["--config", str(config(tmp_path, url)), "ask", "--symbol", "AAPL", "price?"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "40,000 characters" in err or "1,000,000 bytes" in err
