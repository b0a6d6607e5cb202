"""`naetra-tui ask` is one question by default (#32): earlier answers are not sent again (so a
repeated question neither fills the context nor has its figures checked against old data);
`--continue` goes on with the stored conversation; `--provider` picks the LLM plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

from naetra_tui.cli import main
from tests.conftest import write
from tests.fakes.ollama_server import FakeOllama, Turn, fake_ollama
from tests.fakes.openai_server import FakeOpenAI, Reply, fake_openai


def config(tmp_path: Path, ollama: str, openai: str = "http://127.0.0.1:1/v1") -> Path:
    return write(
        tmp_path / "config.yaml",
        "app:\n  storage: sqlite\n  llm: ollama\nplugins:\n  data_collectors:\n    - {name: sim, plugin: simulated}\n"
        f"  llm:\n    - {{name: ollama, plugin: ollama, config: {{api_url: '{ollama}'}}}}\n"
        f"    - {{name: openai, plugin: openai, config: {{base_url: '{openai}', timeout: 5}}}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


def said_by_user(request: dict) -> list[str]:
    return [m["content"] for m in request["messages"] if m["role"] == "user"]


def test_each_ask_is_one_question_unless_continued(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeOllama(script=[Turn(content="First."), Turn(content="Second."), Turn(content="Third.")])
    with fake_ollama(fake) as (url, _):
        path = config(tmp_path, url)
        assert main(["--config", str(path), "ask", "first question"]) == 0
        assert main(["--config", str(path), "ask", "second question"]) == 0
        assert main(["--config", str(path), "ask", "--continue", "third question"]) == 0
    chats = [r for r in fake.requests if r["path"] == "/api/chat"]
    assert len(said_by_user(chats[1])) == 1 and "second question" in said_by_user(chats[1])[0]
    assert not any("First." in m["content"] for m in chats[1]["messages"])  # the earlier answer is not sent
    continued = chats[2]["messages"]
    assert (
        any(m["content"] == "Second." for m in continued) and "third question" in said_by_user(chats[2])[-1]
    )


def test_provider_picks_the_plugin_and_an_unknown_one_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake_openai(FakeOpenAI(script=[Reply(content="From the OpenAI-compatible server.")])) as (url, fake):
        path = config(tmp_path, "http://127.0.0.1:1", url)
        assert main(["--config", str(path), "ask", "--provider", "openai", "hello"]) == 0
        assert "From the OpenAI-compatible server." in capsys.readouterr().out
        assert [r for r in fake.requests if r.get("messages")]
        assert main(["--config", str(path), "ask", "--provider", "nope", "hello"]) == 2
    err = capsys.readouterr().err
    assert (
        "no LLM plugin named 'nope' in the config (it has: ollama, openai)" in err and "Traceback" not in err
    )


def test_advice_names_only_a_provider_that_answers_in_command_line_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, "http://127.0.0.1:1")  # Ollama down, and openai down too
    assert main(["--config", str(path), "ask", "hello"]) == 1
    err = capsys.readouterr().err
    assert "Ollama is not reachable" in err and "or answer with" not in err
    with fake_openai(FakeOpenAI()) as (url, _fake):
        path = config(tmp_path, "http://127.0.0.1:1", url)  # openai is up
        assert main(["--config", str(path), "ask", "hello"]) == 1
    err = capsys.readouterr().err
    assert "or answer with openai: naetra-tui ask --provider openai" in err
    assert "press u" not in err  # app keys are no advice on a command line
