"""In a real terminal (tmux with set-clipboard on): a model's answer full of escape sequences,
printed by the installed `naetra-tui ask`, does not set the clipboard (OSC 52), retitle the pane
(OSC 0/2) or clear the screen. A control run printing the same bytes raw shows that this tmux
would have acted on them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import write
from tests.fakes.ollama_server import FakeOllama, Turn, fake_ollama

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
EXE = Path(sys.executable).with_name("naetra-tui")
ATTACK = "\x1b]52;c;cHduZWQ=\x07\x1b]2;PWNED-TITLE\x07\x1b]0;PWNED-TITLE\x1b\\\x1b[2J\x1b[3J\x1b[H"


class Tmux:
    """A tmux server of the test's own (its own socket): options set here touch nothing else."""

    def __init__(self) -> None:
        self.socket = f"naetra-hostile-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True).stdout

    def start(self, command: str) -> None:
        subprocess.run(
            [
                "tmux",
                "-L",
                self.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                "120",
                "-y",
                "40",
                command,
            ],
            check=True,
        )
        self.run("set-option", "-g", "set-clipboard", "on")
        self.run("set-option", "-g", "allow-rename", "on")

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.run("capture-pane", "-p", "-t", "t")
            if text in screen:
                return screen
            time.sleep(0.3)
        raise AssertionError(f"{text!r} never appeared:\n{self.run('capture-pane', '-p', '-t', 't')}")

    def title(self) -> str:
        return self.run("display-message", "-p", "-t", "t", "#{pane_title}").strip()

    def buffers(self) -> str:
        return self.run("list-buffers")

    def stop(self) -> None:
        self.run("kill-server")


def test_the_terminal_would_act_on_these_bytes_raw(tmp_path: Path) -> None:
    """The control: the same bytes printed raw do set tmux's buffer and the pane title."""
    raw = write(tmp_path / "raw.py", f"import sys; sys.stdout.write({ATTACK!r}); sys.stdout.flush()\n")
    tmux = Tmux()
    tmux.start(f"echo BEFORE-MARK; '{sys.executable}' '{raw}'; echo AFTER-MARK; sleep 30")
    try:
        tmux.wait_for("AFTER-MARK")
        time.sleep(0.5)
        assert "PWNED-TITLE" in tmux.title()
        assert tmux.buffers().strip()  # OSC 52 made a paste buffer
    finally:
        tmux.stop()


def test_ask_with_a_hostile_answer_leaves_the_terminal_alone(tmp_path: Path) -> None:
    config = write(
        tmp_path / "config.yaml",
        "app:\n  watchlist: [AAPL]\n  storage: memory\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        "  llm:\n    - {name: ollama, plugin: ollama, config: {api_url: 'URL', timeout: 10}}\n"
        "  storage:\n    - {name: memory, plugin: memory}\n",
    )
    fake = FakeOllama(default=Turn(content="Steady. " + ATTACK + " END-OF-ANSWER"))
    with fake_ollama(fake) as (url, _):
        config.write_text(config.read_text().replace("URL", url))
        tmux = Tmux()
        env = f"XDG_CONFIG_HOME='{tmp_path}/c' XDG_DATA_HOME='{tmp_path}/d' XDG_STATE_HOME='{tmp_path}/s'"
        tmux.start(
            f"echo BEFORE-MARK; env {env} '{EXE}' --config '{config}' ask 'How is AAPL?'; echo AFTER-MARK; sleep 30"
        )
        try:
            screen = tmux.wait_for("AFTER-MARK")
            time.sleep(0.5)
            assert "END-OF-ANSWER" in screen and "Steady." in screen
            assert "BEFORE-MARK" in tmux.run("capture-pane", "-p", "-t", "t")  # the screen was not cleared
            assert "PWNED" not in tmux.title()
            assert tmux.buffers().strip() == ""  # nothing reached the clipboard
        finally:
            tmux.stop()
