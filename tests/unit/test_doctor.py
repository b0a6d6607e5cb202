"""naetra-tui doctor: each problem with its fix; a healthy setup says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from naetra_tui.cli import main
from tests.conftest import write
from tests.fakes.ollama_server import FakeOllama, fake_ollama


def config(tmp_path: Path, url: str, model: str = "llama3.2:3b") -> Path:
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\nplugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  llm:\n    - {{name: ollama, plugin: ollama, config: {{api_url: '{url}', model_name: '{model}'}}}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


def test_doctor_all_good(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with fake_ollama() as (url, _):
        assert main(["--config", str(config(tmp_path, url)), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "[ok  ] ollama (ollama)              reachable; models: llama3.2:3b" in out
    assert "[ok  ] storage folder writable" in out and out.rstrip().endswith("No problems found.")


def test_doctor_reports_problems_with_fixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with fake_ollama(FakeOllama(models={"tiny:1b": ["completion"]})) as (url, _):
        assert main(["--config", str(config(tmp_path, url, model="big:70b")), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] model big:70b" in out and "fix: ollama pull big:70b" in out
    assert main(["--config", str(config(tmp_path, "http://127.0.0.1:1")), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "Ollama is not reachable" in out and "fix: ollama serve" in out


def test_doctor_says_when_no_collector_can_deliver_prices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\nplugins:\n  data_collectors:\n"
        "    - {name: boom, class: tests.fixtures.fake_plugins.RaisingCollector}\n"
        "    - {name: simulated, plugin: simulated, enabled: false}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )
    assert main(["--config", str(path), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] plugin data_collectors/boom" in out
    assert "no other collector is ready: enable `simulated` for offline data" in out
    assert "[FAIL] prices" in out and "the watchlist stays empty" in out
    # with simulated on, the failing one is covered, and the fix says by whom
    path.write_text(path.read_text().replace("enabled: false", "enabled: true"))
    main(["--config", str(path), "doctor"])
    out = capsys.readouterr().out
    assert "meanwhile simulated fills in" in out and "[FAIL] prices" not in out
