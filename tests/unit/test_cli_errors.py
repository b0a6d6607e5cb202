"""Every outcome of the command line is an exit code and at most one line on stderr, never a
traceback: a closed pipe, a full disk, a mistake in an argument, a bug (#31, #32)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write

BIN = Path(sys.executable).parent / "naetra-tui"


def config(tmp_path: Path) -> Path:
    return write(
        tmp_path / "config.yaml",
        "app:\n  storage: sqlite\nplugins:\n  data_collectors:\n    - {name: sim, plugin: simulated}\n"
        "  analyzers:\n    - {name: technical, plugin: technical}\n"
        "  llm:\n    - {name: ollama, plugin: ollama, config: {api_url: 'http://127.0.0.1:1'}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


def shell(command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    "command",
    [
        "history AAPL --range 1Y | head -2",
        "quote AAPL MSFT | head -0",
        "analyze AAPL | head -1",
        "history AAPL --json | head -c 10",
    ],
)
def test_a_reader_that_closes_the_pipe_gets_no_traceback(tmp_path: Path, command: str) -> None:
    done = shell(f"{BIN} --config {config(tmp_path)} {command}", tmp_path)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert done.returncode in (0, 141)  # head's own status, or the pipe's 128 + SIGPIPE as `yes | head` gives


@pytest.mark.parametrize("command", ["quote AAPL", "history AAPL", "portfolio --csv"])
def test_a_full_disk_is_one_line_and_exit_1(tmp_path: Path, command: str) -> None:
    done = shell(f"{BIN} --config {config(tmp_path)} {command} > /dev/full", tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "naetra-tui: cannot write the output: No space left on device"
    ]


def test_plugin_commands_with_a_wrong_target_say_so_in_one_line(tmp_path: Path) -> None:
    path = config(tmp_path)
    (tmp_path / "afile").write_text("")
    done = shell(f"{BIN} --config {path} plugin new data_collectors my_feed --dir afile", tmp_path)
    assert (
        done.returncode != 0 and "Traceback" not in done.stderr and "is a file, not a folder" in done.stderr
    )
    done = shell(f"{BIN} --config {path} plugin move llm/nonexistent up", tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "there is no plugin llm/nonexistent" in done.stderr and len(done.stderr.strip().splitlines()) == 1
