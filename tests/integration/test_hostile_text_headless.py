"""Remote text through the headless commands (the installed naetra-tui, its real output): a
model's tokens and tool names, a server's version and model names never reach the terminal as
escape sequences, control or format characters."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write
from tests.fakes.ollama_server import FakeOllama, Turn, fake_ollama

EXE = Path(sys.executable).with_name("naetra-tui")
HOSTILE = (
    "\x1b]52;c;cHduZWQ=\x07"  # OSC 52: set the clipboard
    "\x1b]0;pwned\x1b\\"  # OSC 0: retitle the terminal
    "\x1b[2J\x1b[H"  # CSI: clear the screen
    "\x1bP1$qm\x1b\\"  # DCS
    "\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\"  # APC, PM, SOS
    "\x9b31m\x9d0;c1\x9c"  # 8-bit CSI and OSC
    "\x07\x08\r"  # BEL, backspace, carriage return
    "\u202eLPPA\u202c\u2066x\u2069\u200b\u200d\ufeff"  # bidi override, isolate, zero-width
    "[@click=app.quit]quit[/] [bold]b[/bold]"  # markup with an action (literal text here)
)
FORBIDDEN = [
    "\x1b",
    "\x07",
    "\x08",
    "\r",
    "\x9b",
    "\x9c",
    "\x9d",
    "\u202e",
    "\u202c",
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200d",
    "\ufeff",
]


def config(tmp_path: Path, url: str) -> Path:
    return write(
        tmp_path / "config.yaml",
        "app:\n  watchlist: [AAPL]\n  storage: sqlite\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  llm:\n    - {{name: ollama, plugin: ollama, config: {{api_url: '{url}', timeout: 10}}}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 's.db'}'}}}}\n",
    )


def run(tmp_path: Path, url: str, *args: str) -> str:
    result = subprocess.run(
        [str(EXE), "--config", str(config(tmp_path, url)), *args],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return result.stdout + result.stderr


def assert_inert(shown: str) -> None:
    found = [repr(ch) for ch in FORBIDDEN if ch in shown]
    assert found == [], f"reached the terminal: {found}"


def test_ask_prints_a_hostile_answer_and_tool_name_as_plain_text(tmp_path: Path) -> None:
    state = FakeOllama(
        script=[
            Turn(tool_calls=[{"name": "get_quote" + HOSTILE, "arguments": {"symbols": ["AAPL"]}}]),
            Turn(content="AAPL is up. " + HOSTILE + " End."),
        ]
    )
    with fake_ollama(state) as (url, _):
        shown = run(tmp_path, url, "ask", "How is AAPL doing?", "--symbol", "AAPL")
    assert "AAPL is up." in shown and "End." in shown  # the answer itself arrives
    assert "[@click=app.quit]quit[/]" in shown  # markup stays literal text
    assert "tool: get_quote" in shown
    assert_inert(shown)


def test_an_error_from_the_server_is_cleaned(tmp_path: Path) -> None:
    state = FakeOllama(
        default=Turn(content="partial answer ", error_after=1, error="model crashed " + HOSTILE)
    )
    with fake_ollama(state) as (url, _):
        shown = run(tmp_path, url, "ask", "hello")
    assert "model crashed" in shown
    assert_inert(shown)


@pytest.mark.parametrize("command", [["doctor"], ["--check-config"]])
def test_server_metadata_is_cleaned(tmp_path: Path, command: list[str]) -> None:
    state = FakeOllama(version="0.12.3" + HOSTILE, models={"evil" + HOSTILE: ["completion"]})
    with fake_ollama(state) as (url, _):
        shown = run(tmp_path, url, *command)
    assert "0.12.3" in shown or "ollama" in shown
    assert_inert(shown)
