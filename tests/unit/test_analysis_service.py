"""AnalysisService: concurrency, isolation of a broken analyzer, caching keyed by the data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from naetra_tui.cli import main
from naetra_tui.config import load_config
from naetra_tui.services.analysis import AnalysisService
from naetra_tui.services.session import session_for
from tests.conftest import write
from tests.fixtures import fake_plugins

FAKE = "tests.fixtures.fake_plugins"


def config(tmp_path: Path, frozen: str = "2026-11-20T18:00:00Z") -> Path:
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\nplugins:\n  data_collectors:\n"
        f"    - {{name: sim, plugin: simulated, config: {{frozen_time: '{frozen}'}}}}\n"
        "  analyzers:\n    - {name: technical, plugin: technical}\n    - {name: fundamental, plugin: fundamental}\n"
        f"    - {{name: boom, class: {FAKE}.ExplodingAnalyzer}}\n    - {{name: count, class: {FAKE}.CountingAnalyzer}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


async def test_broken_analyzer_is_isolated_and_results_are_cached(tmp_path: Path) -> None:
    fake_plugins.CountingAnalyzer.calls = 0
    async with session_for(load_config(config(tmp_path))) as session:
        service = AnalysisService(session.manager, session.market, session.state)
        results = await service.analyze("AAPL", "1D", "1Y")
        assert results["boom"].analysis is None
        assert results["boom"].error == "boom failed: ZeroDivisionError: the analyzer divided by zero"
        assert results["technical"].analysis is not None and results["technical"].analysis.simulated
        assert results["fundamental"].analysis is not None
        assert fake_plugins.CountingAnalyzer.calls == 1
        again = await service.analyze("AAPL", "1D", "1Y")
        assert again["count"].cached and fake_plugins.CountingAnalyzer.calls == 1  # same bars: from the cache


async def test_new_bars_rerun_the_analysis(tmp_path: Path) -> None:
    fake_plugins.CountingAnalyzer.calls = 0
    async with session_for(load_config(config(tmp_path, "2026-11-20T18:00:00Z"))) as session:
        await AnalysisService(session.manager, session.market, session.state).analyze("AAPL", "1D", "1Y")
    async with session_for(load_config(config(tmp_path, "2026-11-23T18:00:00Z"))) as session:
        await session.state.storage.delete("cache/history/AAPL/1D/1Y")  # history cache expired
        results = await AnalysisService(session.manager, session.market, session.state).analyze(
            "AAPL", "1D", "1Y"
        )
        assert not results["count"].cached
        assert fake_plugins.CountingAnalyzer.calls == 2
        assert results["technical"].analysis.data_end.date() == datetime(2026, 11, 23, tzinfo=UTC).date()


def test_analyze_command(tmp_path: Path, capsys) -> None:
    path = config(tmp_path)
    assert main(["--config", str(path), "analyze", "MSFT"]) == 1  # boom fails -> exit 1
    out = capsys.readouterr().out
    assert "[technical MSFT 1D" in out and "[boom] unavailable: boom failed" in out
    assert main(["--config", str(path), "analyze", "[bad]"]) == 2
