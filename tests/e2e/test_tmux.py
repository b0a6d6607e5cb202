"""End to end: the installed ``naetra-tui`` in tmux, driven with keys as a person would.

Offline with the shipped config (Yahoo unreachable, so the simulated feed fills in, labelled),
the chat pointed at a local Ollama-protocol server through the config: open a symbol, ask,
add a symbol, toggle a plugin, quit, restart and find everything as it was left.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from naetra_tui.core.paths import shipped_config_path
from tests.fakes.ollama_server import FakeOllama, Turn, fake_ollama

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
EXE = Path(sys.executable).with_name("naetra-tui")


class Terminal:
    def __init__(self, home: Path, config: Path) -> None:
        self.session = f"naetra-e2e-{uuid.uuid4().hex[:8]}"
        self.home = home
        self.config = config

    def start(self) -> None:
        env = [f"XDG_{k}_HOME={self.home / k.lower()}" for k in ("CONFIG", "DATA", "STATE", "CACHE")]
        args = ["tmux", "new-session", "-d", "-s", self.session, "-x", "150", "-y", "45"]
        for item in [*env, "TERM=xterm-256color", "NO_COLOR="]:
            args += ["-e", item]
        command = f"'{EXE}' --config '{self.config}'; echo NAETRA-EXITED-$?; sleep 60"
        subprocess.run([*args, command], check=True)
        subprocess.run(
            ["tmux", "set-option", "-t", self.session, "window-size", "manual"], capture_output=True
        )
        subprocess.run(
            ["tmux", "resize-window", "-t", self.session, "-x", "150", "-y", "45"], capture_output=True
        )

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.session], capture_output=True, text=True, check=True
        ).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        for key in keys:
            subprocess.run(
                ["tmux", "send-keys", "-t", self.session, *(["-l"] if literal else []), key], check=True
            )
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.3)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def wait_line(self, marker: str, text: str, timeout: float = 30.0) -> None:
        """Wait until the screen line containing ``marker`` also contains ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = [line for line in self.screen().splitlines() if marker in line]
            if lines and text in lines[0]:
                return
            time.sleep(0.3)
        raise AssertionError(f"the {marker!r} line never showed {text!r}; the screen was:\n{self.screen()}")

    def stop(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.session], capture_output=True)


@pytest.fixture
def terminal_config(tmp_path: Path) -> tuple[Path, Path]:
    home = tmp_path / "home"
    for sub in ("config", "data", "state", "cache"):
        (home / sub).mkdir(parents=True)
    return home, tmp_path / "config.yaml"


@pytest.mark.skipif(not EXE.exists(), reason="naetra-tui is not installed in this environment")
def test_a_person_uses_naetra_tui_offline(terminal_config: tuple[Path, Path]) -> None:
    home, config = terminal_config
    fake = FakeOllama(default=Turn(content="AAPL looks steady in this simulated data."))
    with fake_ollama(fake) as (url, _):
        text = (
            shipped_config_path()
            .read_text()
            .replace(
                "# api_url: http://localhost:11434     # default: $OLLAMA_HOST, else this", f"api_url: {url}"
            )
        )
        assert url in text
        config.write_text(text)
        term = Terminal(home, config)
        term.start()
        try:
            screen = term.wait_for("SIMULATED DATA")
            assert "AAPL" in screen and "SIM" in screen and "BTC-USD" in screen
            term.keys("a")
            term.type("tsla")
            term.keys("Enter")
            term.wait_for("TSLA")
            term.keys("Home", "Enter")  # AAPL's symbol view
            term.wait_for("Chart type")
            term.wait_for("technical")
            time.sleep(0.5)
            term.keys("c")
            term.wait_for("Ask about the symbol")
            time.sleep(1.0)  # let the chat input take the focus before typing, as a person would
            term.type("How is AAPL doing?")
            term.keys("Enter")
            term.wait_for("looks steady", timeout=40)
            term.wait_for("grounded on")
            term.keys("Escape")
            term.wait_for("SIMULATED DATA")
            term.keys("p")
            term.wait_for("yahoo_finance")
            term.keys("Down", "Down", "Space")  # analyzers/technical, fundamental, then yahoo_finance
            term.wait_line("yahoo_finance", "disabled")
            term.keys("Escape")
            term.keys("q")
            term.wait_for("NAETRA-EXITED-0", timeout=10)
        finally:
            term.stop()

        again = Terminal(home, config)
        again.start()
        try:
            screen = again.wait_for("TSLA")  # the watchlist edit was kept
            again.keys("p")
            screen = again.wait_for("yahoo_finance")
            yahoo = next(line for line in screen.splitlines() if "yahoo_finance" in line)
            assert "disabled" in yahoo  # the toggle was kept
            again.keys("Escape")
            again.wait_for("SIMULATED DATA")  # back on the watchlist
            again.keys("Home", "Enter")
            again.wait_for("Chart type")  # the symbol view's footer
            again.wait_for("technical")
            time.sleep(0.5)
            again.keys("c")
            again.wait_for("How is AAPL doing?")  # so was the chat
            again.keys("Escape")
            again.keys("q")
            again.wait_for("NAETRA-EXITED-0", timeout=10)
        finally:
            again.stop()
