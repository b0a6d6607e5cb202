"""Shared fixtures: every test runs with its own config/data/state/log dirs."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """The tests run against the installed package, as users get it, never the source tree."""
    import naetra_tui

    where = Path(naetra_tui.__file__).resolve()
    if REPO / "naetra_tui" in where.parents and not os.environ.get("NAETRA_TEST_SOURCE_TREE"):
        raise pytest.UsageError(
            f"naetra_tui was imported from the source tree ({where}), not the installed package; "
            "run the tests as the README says (.venv/bin/pytest after pip install '.[test]')"
        )


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (home / sub).mkdir()
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("NAETRA_CONFIG", raising=False)
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    monkeypatch.setenv("NO_COLOR", os.environ.get("NO_COLOR", ""))
    return home


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sqlite_threads() -> list[threading.Thread]:
    """aiosqlite's worker threads still running: each one keeps the process alive at exit."""
    alive = [t for t in threading.enumerate() if t.is_alive()]
    return [t for t in alive if "_connection_worker_thread" in repr(getattr(t, "_target", None))]


async def wait_for_no_sqlite_threads(seconds: float = 3.0) -> list[threading.Thread]:
    deadline = time.monotonic() + seconds
    while sqlite_threads() and time.monotonic() < deadline:  # noqa: ASYNC110  (threads: no event to await)
        await asyncio.sleep(0.01)
    return sqlite_threads()


def offline_config(tmp_path: Path, extra: str = "") -> Path:
    """A config on the simulated feed and a SQLite file in ``tmp_path``, no LLM; ``extra`` adds
    plugin categories (e.g. ``"  notifiers:\\n    - ..."``)."""
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\n  llm: none\nplugins:\n"
        "  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n"
        + extra,
    )
