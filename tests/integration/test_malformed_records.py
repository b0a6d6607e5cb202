"""A malformed record in a shared storage (another program, an older version, a hand edit) is
skipped with a notice, never fatal (#31): a lot with a naive timestamp, a chat message with a
wrong-typed role."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from naetra_tui.cli import main
from tests.conftest import write
from tests.fakes.ollama_server import FakeOllama, Turn, fake_ollama


def config(tmp_path: Path, url: str = "http://127.0.0.1:1") -> Path:
    return write(
        tmp_path / "config.yaml",
        "app:\n  storage: sqlite\n  llm: ollama\nplugins:\n  data_collectors:\n    - {name: sim, plugin: simulated}\n"
        f"  llm:\n    - {{name: ollama, plugin: ollama, config: {{api_url: '{url}'}}}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


def plant(tmp_path: Path, key: str, value: object) -> None:
    db = sqlite3.connect(tmp_path / "db.sqlite")
    db.execute(
        "INSERT OR REPLACE INTO kv (key, value, expires_at) VALUES (?, ?, NULL)", (key, json.dumps(value))
    )
    db.commit()
    db.close()


def test_a_lot_with_a_naive_timestamp_is_read_as_utc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path)
    assert main(["--config", str(path), "portfolio", "add", "MSFT", "1", "400", "--date", "2026-01-05"]) == 0
    record = {"v": 1, "lot": {"id": "hand", "symbol": "AAPL", "quantity": 2, "price": 100.0, "opened": "2026-01-05",
                              "fees": 0.0, "currency": "USD", "created_at": "2026-01-02T10:00:00"}}  # fmt: skip
    plant(tmp_path, "portfolio/lots/AAPL/hand", record)
    capsys.readouterr()
    code = main(["--config", str(path), "portfolio", "--json"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert {p["symbol"] for p in json.loads(captured.out)["positions"]} == {"AAPL", "MSFT"}
    assert code in (0, 1)


def test_a_chat_record_with_a_wrong_typed_role_is_skipped_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake_ollama(FakeOllama(script=[Turn(content="Fine."), Turn(content="Still fine.")])) as (url, _):
        path = config(tmp_path, url)
        assert main(["--config", str(path), "ask", "hello", "--symbol", "AAPL"]) == 0
        db = sqlite3.connect(tmp_path / "db.sqlite")
        keys = [k for (k,) in db.execute("select key from kv where key like 'chat/AAPL/msg/%' order by key")]
        db.close()
        assert keys
        plant(tmp_path, keys[0], {"v": 1, "message": {"role": 42, "content": "forged"}})
        capsys.readouterr()
        code = main(["--config", str(path), "ask", "again?", "--symbol", "AAPL"])
    captured = capsys.readouterr()
    assert code == 0 and "Traceback" not in captured.err
    assert "skipped 1 malformed message of this conversation" in captured.err
