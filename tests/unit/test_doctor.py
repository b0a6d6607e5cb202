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


def test_an_openai_server_down_gets_its_own_advice_counted_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\n  llm: local\nplugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        "  llm:\n    - {name: local, plugin: openai, config: {base_url: 'http://127.0.0.1:9/v1'}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )
    assert main(["--config", str(path), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "ollama (" not in out and "fix: ollama serve" not in out  # not labelled, nor fixed, as Ollama
    assert "[FAIL] openai server (local)" in out and "fix: start the server at http://127.0.0.1:9/v1" in out
    assert "naetra-tui[llm-server]" in out
    assert "\n1 problem(s) found." in out  # the plugin and its server are one problem


def test_doctor_says_how_to_connect_an_ai_assistant_and_counts_waiting_proposals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from naetra_tui.config import load_config
    from naetra_tui.services.session import session_for

    with fake_ollama() as (url, _):
        path = config(tmp_path, url)
        assert main(["--config", str(path), "doctor"]) == 0
        out = capsys.readouterr().out
        assert "[ok  ] mcp (AI assistants)" in out and "`naetra-tui mcp`" in out and "read-only" in out

        async def propose() -> None:
            async with session_for(load_config(path)) as session:
                await session.proposals.propose(
                    "alert", {"symbol": "AAPL", "expression": "rsi < 30"}, "", "agent"
                )

        asyncio.run(propose())
        assert main(["--config", str(path), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] proposals" in out and "1 change(s) proposed by agents wait for you" in out
    assert "fix: naetra-tui proposals" in out
