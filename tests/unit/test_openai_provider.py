"""The `openai` LLM plugin and the chat through it, against a local server speaking the Chat
Completions wire format, for what a real server cannot be made to do on demand (tool calls,
refusals, faults). ``tests/e2e/test_real_model.py`` runs a real llama-cpp server."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.builtin.llm.openai import OpenAICompatibleProvider
from naetra_tui.cli import main
from naetra_tui.config import load_config
from naetra_tui.core.chat import ChatTurn
from naetra_tui.core.errors import (
    ContextTooLong,
    LLMAuthError,
    LLMError,
    LLMRateLimited,
    LLMUnavailable,
    ModelNotFound,
    StreamInterrupted,
)
from naetra_tui.services.session import chat_service, session_for
from tests.conftest import write
from tests.fakes.openai_server import FakeOpenAI, Reply, fake_openai


def config(tmp_path: Path, url: str, extra: str = "") -> Path:
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\n  llm: openai\n  watchlist: [AAPL, MSFT]\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        "  analyzers:\n    - {name: technical, plugin: technical}\n"
        f"  llm:\n    - {{name: openai, plugin: openai, config: {{base_url: '{url}', timeout: 5{extra}}}}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'state.db'}'}}}}\n",
    )


async def started(url: str, **settings: Any) -> OpenAICompatibleProvider:
    provider = OpenAICompatibleProvider()
    await provider.initialize({"base_url": url, "timeout": 5, **settings})
    return provider


async def answer_of(provider: OpenAICompatibleProvider, text: str = "hi", **kwargs: Any) -> list[Any]:
    return [chunk async for chunk in provider.stream_chat([ChatTurn("user", text)], **kwargs)]


async def collect(chat: Any, text: str, symbol: str | None = None) -> list[Any]:
    return [event async for event in chat.ask(text, symbol)]


async def test_streams_an_answer_with_the_first_listed_model_and_usage() -> None:
    with fake_openai() as (url, fake):
        provider = await started(url)
        try:
            chunks = await answer_of(provider)
            assert "".join(c.content for c in chunks) == "Hello from the fake server."
            assert len([c for c in chunks if c.content]) > 2  # streamed, not one piece
            assert fake.requests[-1]["model"] == "local-model" and fake.requests[-1]["stream"] is True
            assert provider.model == "local-model"
            done = [c for c in chunks if c.done]
            assert done and done[0].done_reason == "stop"
            assert await provider.list_models() == ["local-model"]
        finally:
            await provider.cleanup()


async def test_a_reported_context_window_is_used(tmp_path: Path) -> None:
    state = FakeOpenAI(models=[{"id": "big", "object": "model", "max_model_len": 32768}])
    with fake_openai(state) as (url, _):
        provider = await started(url)
        try:
            await provider.list_models()
            assert provider.context_window() == 32768
        finally:
            await provider.cleanup()
        provider = await started(url, context_window=2048)  # the user's setting wins
        try:
            await provider.list_models()
            assert provider.context_window() == 2048
        finally:
            await provider.cleanup()


async def test_nothing_listening_names_the_address_and_what_to_start() -> None:
    provider = await started("http://127.0.0.1:1/v1")
    try:
        with pytest.raises(LLMUnavailable) as info:
            await answer_of(provider, model="m")
        message = str(info.value)
        assert "nothing is listening at http://127.0.0.1:1/v1" in message
        assert "llama-server" in message and "LM Studio" in message and "base_url" in message
    finally:
        await provider.cleanup()


async def test_a_refused_key_says_so_and_never_shows_the_key() -> None:
    with fake_openai(FakeOpenAI(api_key="sk-right")) as (url, _):
        for key in (None, "sk-wrong-secret"):
            provider = await started(url, **({"api_key": key} if key else {}))
            try:
                with pytest.raises(LLMAuthError) as info:
                    await answer_of(provider, model="local-model")
                message = str(info.value)
                assert "HTTP 401" in message and "api_key" in message and "OPENAI_API_KEY" in message
                assert "sk-wrong-secret" not in message and "sk-right" not in message
                assert ("none is set" in message) == (key is None)
            finally:
                await provider.cleanup()
        provider = await started(url, api_key="sk-right")
        try:
            assert "".join(c.content for c in await answer_of(provider)) == "Hello from the fake server."
            assert "sk-right" not in repr(provider)
        finally:
            await provider.cleanup()


async def test_an_unknown_model_lists_the_servers_models() -> None:
    state = FakeOpenAI(models=[{"id": "qwen2.5-7b"}, {"id": "llama-3.1-8b"}])
    with fake_openai(state) as (url, _):
        provider = await started(url, model_name="gpt-5")
        try:
            with pytest.raises(ModelNotFound) as info:
                await answer_of(provider)
            assert "no model 'gpt-5'" in str(info.value)
            assert "qwen2.5-7b, llama-3.1-8b" in str(info.value)
            assert info.value.available == ["qwen2.5-7b", "llama-3.1-8b"]
            health = await provider.health_check()
            assert not health.healthy and "qwen2.5-7b" in health.detail
        finally:
            await provider.cleanup()


async def test_429_waits_as_retry_after_says_or_says_when_to_retry() -> None:
    limited = {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}
    state = FakeOpenAI(script=[Reply(status=429, error=limited, headers={"Retry-After": "1"})])
    with fake_openai(state) as (url, fake):
        provider = await started(url)
        try:
            began = time.monotonic()
            chunks = await answer_of(provider)
            assert time.monotonic() - began >= 0.9  # waited as asked, then answered
            assert "".join(c.content for c in chunks) == "Hello from the fake server."
            fake.script = [Reply(status=429, error=limited, headers={"Retry-After": "120"})]
            began = time.monotonic()
            with pytest.raises(LLMRateLimited) as info:
                await answer_of(provider)
            assert time.monotonic() - began < 5  # not waited: said
            assert "try again in 120 s" in str(info.value) and info.value.retry_after == 120
        finally:
            await provider.cleanup()


async def test_an_error_event_or_a_cut_stream_mid_answer_is_interrupted() -> None:
    words = "The price of AAPL is rising on strong volume today."
    for reply in (Reply(content=words, error_event_after=4), Reply(content=words, cut_after=4)):
        with fake_openai(FakeOpenAI(script=[reply])) as (url, _):
            provider = await started(url)
            try:
                received = []
                with pytest.raises(StreamInterrupted) as info:
                    async for chunk in provider.stream_chat([ChatTurn("user", "hi")]):
                        received.append(chunk.content)
                assert "".join(received) == "The price of AAPL "
                assert "mid-answer" in str(info.value) or "cut off" in str(info.value)
            finally:
                await provider.cleanup()


async def test_a_server_that_crashes_on_the_request_is_not_called_absent() -> None:
    # llama.cpp segfaults on some CPUs on its first answer: the server was listening, took the
    # request and died. "Nothing is listening" would send the user to start what was running.
    with fake_openai(FakeOpenAI(script=[Reply(crash=True)])) as (url, _):
        provider = await started(url)
        try:
            with pytest.raises(LLMError) as info:
                await answer_of(provider, model="local-model")
            message = str(info.value)
            assert not isinstance(info.value, LLMUnavailable)
            assert "nothing is listening" not in message
            assert f"the server at {url} hung up without answering and is no longer listening" in message
            assert "crashed" in message and "its own output" in message
        finally:
            await provider.cleanup()


async def test_context_length_exceeded_is_recognised() -> None:
    error = {
        "message": "Requested tokens (9000) exceed context window of 2048",
        "type": "invalid_request_error",
        "code": "context_length_exceeded",
    }
    with fake_openai(FakeOpenAI(script=[Reply(status=400, error=error)])) as (url, _):
        provider = await started(url)
        try:
            with pytest.raises(ContextTooLong, match="exceed context window of 2048"):
                await answer_of(provider)
        finally:
            await provider.cleanup()


async def test_chat_trims_the_oldest_turns_once_then_says_how_to_raise_the_window(tmp_path: Path) -> None:
    error = {
        "message": "This model's maximum context length is 2048 tokens",
        "code": "context_length_exceeded",
    }
    with fake_openai() as (url, fake):
        async with session_for(load_config(config(tmp_path, url))) as session:
            chat = chat_service(session)
            for i in range(3):
                await collect(chat, f"question {i}")
            fake.script = [Reply(status=400, error=error)]  # once: the trimmed retry answers
            events = await collect(chat, "question 3")
            assert events[-1].kind == "done"
            assert any(e.kind == "notice" and "oldest" in e.text for e in events)
            retried = fake.requests[-1]["messages"]
            assert [m["role"] for m in retried] == ["system", "user"]  # only the question left
            assert retried[-1]["content"].endswith("question 3")

            fake.script = [Reply(status=400, error=error), Reply(status=400, error=error)]
            events = await collect(chat, "question 4")
            assert events[-1].kind == "error"
            assert "context window" in events[-1].text and "context_window" in events[-1].text
            assert "--ctx-size" in events[-1].text or "n_ctx" in events[-1].text


async def test_tool_calls_streamed_in_fragments_run_and_the_answer_records_provider_and_model(
    tmp_path: Path,
) -> None:
    script = [
        Reply(tool_calls=[{"name": "get_quote", "arguments": {"symbols": ["AAPL", "MSFT"]}}]),
        Reply(content="AAPL and MSFT quotes are in (simulated)."),
    ]
    with fake_openai(FakeOpenAI(script=script)) as (url, fake):
        async with session_for(load_config(config(tmp_path, url))) as session:
            chat = chat_service(session)
            events = await collect(chat, "compare AAPL and MSFT")
    assert [e.text for e in events if e.kind == "tool"] == ["tool: get_quote(AAPL, MSFT)"]
    assert events[-1].kind == "done"
    message = events[-1].message
    assert message.provider == "openai" and message.model == "local-model"
    second = fake.requests[-1]["messages"]
    call_turn = next(m for m in second if m.get("tool_calls"))
    assert call_turn["tool_calls"][0]["id"] == "call_0"
    result = next(m for m in second if m["role"] == "tool")
    assert result["tool_call_id"] == "call_0" and "AAPL" in result["content"]
    assert fake.requests[0]["tools"][0]["type"] == "function"


async def test_a_server_that_refuses_tools_gets_the_context_only_fallback(tmp_path: Path) -> None:
    with fake_openai(FakeOpenAI(refuse_tools=True)) as (url, fake):
        async with session_for(load_config(config(tmp_path, url))) as session:
            chat = chat_service(session)
            events = await collect(chat, "How is AAPL?", "AAPL")
    assert any(e.kind == "notice" and "does not support tools" in e.text for e in events)
    assert events[-1].kind == "done"
    assert "tools" in fake.requests[0] and "tools" not in fake.requests[-1]


async def test_hostile_server_text_is_cleaned() -> None:
    nasty = "evil\x1b]52;c;aGk=\x07\u202emodel\x1b[2J"
    state = FakeOpenAI(
        models=[{"id": nasty}],
        script=[Reply(status=500, error={"message": "boom \x1b]0;pwned\x07 [@click=app.quit]x[/]"})],
    )
    with fake_openai(state) as (url, _):
        provider = await started(url)
        try:
            models = await provider.list_models()
            assert models and "\x1b" not in models[0] and "\u202e" not in models[0]
            with pytest.raises(Exception) as info:
                await answer_of(provider, model=nasty)
            assert "\x1b" not in str(info.value) and "\x07" not in str(info.value)
        finally:
            await provider.cleanup()


def test_ask_json_prints_one_object_with_the_figure_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake_openai() as (url, fake):
        fake.default = Reply(content="AAPL is at 999999.99 today, per the data.")
        code = main(["--config", str(config(tmp_path, url)), "ask", "--symbol", "AAPL", "--json", "price?"])
    out = capsys.readouterr().out
    assert code == 0
    answer = json.loads(out)
    assert set(answer) >= {
        "answer",
        "provider",
        "model",
        "grounded_on",
        "verified_figures",
        "unverified_figures",
    }
    assert answer["provider"] == "openai" and answer["model"] == "local-model"
    assert answer["unverified_figures"] == ["999999.99"]
    assert answer["grounded_on"][0].startswith("quote AAPL")


def test_plain_ask_ends_with_the_unverified_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake_openai() as (url, fake):
        fake.default = Reply(content="AAPL is at 999999.99 today.")
        code = main(["--config", str(config(tmp_path, url)), "ask", "--symbol", "AAPL", "price?"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.rstrip().splitlines()[-1].startswith("unverified figures (not in the data): 999999.99")
