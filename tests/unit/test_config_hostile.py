"""Unreadable configs end in one line and exit 2, never a traceback; a log file that cannot be
written is said once and left (the installed command, as a user runs it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXE = Path(sys.executable).with_name("naetra-tui")
GOOD = "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated}\n"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args], capture_output=True, text=True, timeout=60, cwd=tmp_path, env={**os.environ}
    )


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("nul", b"app:\n  watchlist: [AAPL]\x00\n", "NUL byte"),
        ("deep-flow", b"app: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested"),
        ("deep-block", b"app:\n" + b"".join(b"  " * i + b"k%d:\n" % i for i in range(1, 200)), "nested"),
        ("huge", b"# padding\n" * 200_000 + GOOD.encode(), "MB"),
        ("not-utf8", b"app:\n  theme: \xff\xfe\n", "is not UTF-8 text"),
        ("binary", bytes(range(256)) * 4, "is not UTF-8 text"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else "",
)
def test_an_unreadable_config_is_one_line_and_exit_2(
    tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    result = run(tmp_path, "--config", str(path), "--check-config")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("naetra-tui: config error:") and said in lines[0], lines
    assert str(path) in lines[0]


def test_an_unwritable_log_file_is_one_line_and_the_command_carries_on(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    path = tmp_path / "config.yaml"
    path.write_text(GOOD + "  storage:\n    - {name: memory, plugin: memory}\napp:\n  storage: memory\n")
    result = run(tmp_path, "--config", str(path), "--log-file", "/dev/full", "--check-config")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Logging error" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "log file" in line]
    assert warnings == [
        "naetra-tui: cannot write the log file /dev/full (No space left on device); logging is off"
    ]
    assert "simulated" in result.stdout and "ready" in result.stdout  # it did its job


def test_a_symbol_the_app_would_refuse_is_a_config_error_with_file_and_line(tmp_path: Path) -> None:
    """Config and app share one symbol rule: BRK/B used to pass the config and leave the app at
    "starting…" for ever."""
    path = tmp_path / "config.yaml"
    path.write_text("app:\n  watchlist:\n    - AAPL\n    - BRK/B\n" + GOOD)
    result = run(tmp_path, "--config", str(path), "--check-config")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "app.watchlist[1]" in line and f"{path}:4" in line and "BRK.B or BRK-B" in line, line
    # the app, started on it, says the same and exits instead of hanging
    app_run = subprocess.run(
        [str(EXE), "--config", str(path)], capture_output=True, text=True, timeout=30, cwd=tmp_path
    )
    assert app_run.returncode == 2 and "app.watchlist[1]" in app_run.stderr
