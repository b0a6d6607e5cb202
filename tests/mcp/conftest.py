"""A naetra MCP server on a Session over the simulated feed, and the SDK's real client."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from tests.conftest import write

FROZEN = "2026-03-10T15:00:00+00:00"  # a Tuesday, 10:00 in New York: the market is open


def config(
    tmp_path: Path,
    *,
    proposals: bool = False,
    calls_per_minute: int = 120,
    collectors: str | None = None,
    extra: str = "",
) -> Path:
    if collectors is None:
        collectors = (
            f"    - {{name: simulated, plugin: simulated, config: {{seed: 7, frozen_time: '{FROZEN}'}}}}\n"
        )
    return write(
        tmp_path / "config.yaml",
        "app:\n  storage: sqlite\n  llm: none\n  plugin_timeout: 2\n  watchlist: [AAPL, MSFT]\n"
        f"mcp:\n  allow_proposals: {str(proposals).lower()}\n  calls_per_minute: {calls_per_minute}\n"
        f"  max_symbols: 50\n{extra}"
        f"plugins:\n  data_collectors:\n{collectors}"
        "  analyzers:\n    - {name: technical, plugin: technical}\n    - {name: fundamental, plugin: fundamental}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'state.db'}'}}}}\n",
    )


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from naetra_tui.core import clock

    monkeypatch.setenv("NAETRA_FROZEN_TIME", FROZEN)
    clock.freeze_from_environment()
    yield
    clock.freeze(None)


@asynccontextmanager
async def served(path: Path) -> AsyncIterator[tuple[Any, Client]]:
    """A started Session on ``path`` with the MCP server on it, and a client connected in-process."""
    from naetra_tui.config import load_config
    from naetra_tui.mcp.server import build_server
    from naetra_tui.services.session import session_for

    async with session_for(load_config(path)) as session:
        async with Client(build_server(session)) as client:
            yield session, client


def naetra(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user's script runs it (same clock, same storage)."""
    command = [str(Path(sys.executable).parent / "naetra-tui"), "--config", str(path), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def cli_json(path: Path, *args: str) -> Any:
    done = naetra(path, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def result(call: Any) -> dict[str, Any]:
    """A successful tool call's JSON (the text the agent reads, parsed)."""
    assert not call.is_error, call.content[0].text
    data: dict[str, Any] = json.loads(call.content[0].text)
    return data


def error(call: Any) -> str:
    assert call.is_error, call.content[0].text[:300]
    text: str = call.content[0].text
    return text
