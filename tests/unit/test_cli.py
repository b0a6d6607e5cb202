"""The command line: exit codes, no tracebacks, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from naetra_tui import __version__
from naetra_tui.cli import main
from tests.conftest import write

FAKE = "tests.fixtures.fake_plugins"
HEAVY = ["yfinance", "pandas", "ollama", "talib", "asyncpg", "redis", "textual", "pydantic"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"naetra-tui {__version__}"


def test_importing_the_cli_imports_nothing_heavy(tmp_path: Path) -> None:
    code = f"import sys, json, naetra_tui.cli; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    # cwd outside the repo: `python -c` would otherwise import the source tree, not the install
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    assert json.loads(out) == []


def test_python_dash_m_runs(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "naetra_tui", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert out.stdout.startswith("naetra-tui ")


def test_check_config_all_ready(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path / "c.yaml",
        f"plugins:\n  data_collectors:\n    - name: good\n      class: {FAKE}.GoodCollector\n",
    )
    assert main(["--config", str(path), "--check-config"]) == 0
    out = capsys.readouterr().out
    assert "good" in out and "ready" in out


def test_check_config_some_failed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path / "c.yaml",
        f"plugins:\n  data_collectors:\n    - name: good\n      class: {FAKE}.GoodCollector\n"
        f"    - name: boom\n      class: {FAKE}.RaisingCollector\n",
    )
    assert main(["--config", str(path), "--check-config"]) == 1
    out = capsys.readouterr().out
    assert "failed" in out and "cannot reach the moon" in out


def test_check_config_invalid_config_exit_2_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "c.yaml", "app:\n  watchlist: [AAPL, ON]\n")
    assert main(["--config", str(path), "--check-config"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("naetra-tui: config error: app.watchlist[1]:")
    assert "Traceback" not in err and err.count("\n") == 1


def test_check_config_invalid_plugin_config_exit_2(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.yaml",
        f"plugins:\n  data_collectors:\n    - name: k\n      class: {FAKE}.KeyedCollector\n      config: {{}}\n",
    )
    assert main(["--config", str(path), "--check-config"]) == 2


def test_missing_config_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(tmp_path / "none.yaml")]) == 2
    assert "config file not found" in capsys.readouterr().err


def test_shipped_config_offline_check_config_has_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "naetra_tui", "--check-config"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "simulated" in result.stdout


def test_list_plugins_shows_builtins(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-plugins"]) == 0
    out = capsys.readouterr().out
    assert "simulated" in out and "built-in" in out


def test_untrusted_plugin_error_is_printed_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "c.yaml",
        "plugins:\n  data_collectors:\n    - name: x\n      class: 'not_a_mod_[bold]red[/bold].X'\n",
    )
    assert main(["--config", str(path), "--check-config"]) == 1
    assert "[bold]red[/bold]" in capsys.readouterr().out


def test_frozen_time_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from naetra_tui.core import clock

    path = write(
        tmp_path / "c.yaml",
        "app: {watchlist: [AAPL], storage: memory}\n"
        "plugins:\n  data_collectors: [{name: simulated, plugin: simulated}]\n"
        "  storage: [{name: memory, plugin: memory}]\n",
    )
    monkeypatch.setenv("NAETRA_FROZEN_TIME", "yesterday")
    assert main(["--config", str(path), "quote", "AAPL"]) == 2
    assert "NAETRA_FROZEN_TIME='yesterday' is not an ISO 8601 time" in capsys.readouterr().err
    monkeypatch.setenv("NAETRA_FROZEN_TIME", "2026-11-25T15:30:00Z")
    try:
        assert main(["--config", str(path), "quote", "AAPL", "--json"]) == 0
        first = json.loads(capsys.readouterr().out)
        assert main(["--config", str(path), "quote", "AAPL", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == first  # same moment, same simulated price
        assert first[0]["fetched_at"] == "2026-11-25T15:30:00Z" and first[0]["market_state"] == "REG"
    finally:
        clock.freeze(None)


def test_the_app_module_imports_nothing_the_first_frame_waits_for(tmp_path: Path) -> None:
    """The cached start paints before pydantic, numpy and the services load (see ui/snapshot.py):
    importing the app, its first screen and the start-up path must not pull them in."""
    modules = ["numpy", "pydantic", "naetra_tui.services.state", "naetra_tui.core.models", "yfinance"]
    code = (
        "import sys, json, naetra_tui.ui.app, naetra_tui.ui.snapshot, naetra_tui.cli.bootstrap;"
        "naetra_tui.cli.bootstrap.bootstrap_app();"
        f"print(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    assert json.loads(out) == []
