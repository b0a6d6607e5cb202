"""Prometheus metrics: off by default, counts and errors per plugin operation when on."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

from naetra_tui.config import load_config
from naetra_tui.core.metrics import METRICS
from naetra_tui.services.session import session_for
from tests.conftest import write


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_metrics_count_operations(tmp_path: Path) -> None:
    assert METRICS.enabled is False  # off unless configured
    port = free_port()
    assert METRICS.start(port) is None
    try:
        path = write(
            tmp_path / "c.yaml",
            "app:\n  storage: memory\nplugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
            "  storage:\n    - {name: memory, plugin: memory}\n",
        )
        async with session_for(load_config(path)) as session:
            await session.market.refresh(["AAPL"])
            await session.market.refresh(["AAPL"])
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        assert (
            'naetra_plugin_operations_total{category="data_collectors",operation="get_quotes",plugin="simulated"} 2.0'
            in body
        )
        assert "naetra_plugin_operation_seconds_bucket" in body
    finally:
        METRICS.enabled = False
