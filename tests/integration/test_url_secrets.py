"""A password in a URL's userinfo — with or without a user name (``redis://:PASSWORD@host``, as
Redis's own docs write it) — never reaches a screen, a command's output, the log or a stored
record."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from naetra_tui.core.secrets import redact, register_secrets_in
from tests.conftest import write

SECRET = "Hunter2Pass"
EXE = Path(sys.executable).with_name("naetra-tui")


@pytest.mark.parametrize(
    "url",
    [
        f"redis://:{SECRET}@127.0.0.1:6379/0",
        f"rediss://default:{SECRET}@cache.example:6380",
        f"http://:{SECRET}@127.0.0.1:11434",
        f"postgresql://naetra:{SECRET}@db.internal:5432/naetra",
        f"redis+sentinel://:{SECRET}@h1:26379",
    ],
)
def test_every_url_password_form_is_hidden(url: str) -> None:
    hidden = redact(f"cannot connect to {url}: refused")
    assert SECRET not in hidden and ":***@" in hidden


def test_a_url_password_is_hidden_when_a_library_echoes_it_alone() -> None:
    register_secrets_in({"url": "redis://:S%40lty-Pa55@host:6379"})
    assert "S@lty-Pa55" not in redact("AUTH failed for password S@lty-Pa55")


def hostile_config(tmp_path: Path) -> Path:
    return write(
        tmp_path / "config.yaml",
        "app:\n  watchlist: [AAPL]\n  storage: redis\n  plugin_timeout: 3\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  llm:\n    - {{name: ollama, plugin: ollama, config: {{api_url: 'http://:{SECRET}@127.0.0.1:1', timeout: 2}}}}\n"
        "  storage:\n"
        f"    - {{name: redis, plugin: redis, config: {{url: 'redis://:{SECRET}@127.0.0.1:1/0'}}}}\n"
        f"    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'chat.db'}'}}}}\n",
    )


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    log = tmp_path / "naetra.log"
    return subprocess.run(
        [str(EXE), "--config", str(hostile_config(tmp_path)), "--log-file", str(log), *args],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize(
    "command", [["--check-config"], ["doctor"], ["ask", "How is AAPL doing?", "--symbol", "AAPL"]]
)
def test_no_command_prints_or_logs_the_password(tmp_path: Path, command: list[str]) -> None:
    result = run(tmp_path, *command)
    shown = result.stdout + result.stderr
    assert result.returncode != 0 and shown.strip(), shown  # it did fail, and said why
    assert "127.0.0.1:1" in shown  # the address is named ...
    assert SECRET not in shown  # ... without the password
    log = (tmp_path / "naetra.log").read_text()
    assert log and SECRET not in log


def test_stored_records_hold_no_password(tmp_path: Path) -> None:
    """The failed answer is stored (storage falls back to SQLite) with its error, redacted."""
    run(tmp_path, "ask", "How is AAPL doing?", "--symbol", "AAPL")
    databases = list(tmp_path.rglob("*.db")) + list(Path(os.environ["XDG_DATA_HOME"]).rglob("*.db"))
    assert databases
    for db in databases:
        with sqlite3.connect(db) as conn:
            dump = "\n".join(conn.iterdump())
        assert SECRET not in dump, db


async def test_the_plugins_screen_hides_it(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    from naetra_tui.config import load_config
    from naetra_tui.ui.app import NaetraApp
    from tests.ui.conftest import painted_lines, wait_for

    app = NaetraApp(load_config(hostile_config(tmp_path)))
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: app.ready, timeout=30)
        await pilot.press("p")
        table = app.screen.query_one(DataTable)
        for index, key in enumerate(k.value for k in table.rows):
            table.move_cursor(row=index)
            await pilot.pause()
            painted = "\n".join(painted_lines(app))
            assert SECRET not in painted, key
        assert "redis" in painted
