"""The built-in plugins run the same contract kit (`naetra_tui.testing`) a plugin author's tests
run: one class each, `plugin_class` and `config` set, the contract inherited."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from naetra_tui.builtin.analyzers.fundamental import FundamentalAnalyzer
from naetra_tui.builtin.analyzers.technical import TechnicalAnalyzer
from naetra_tui.builtin.data_collectors.simulated import SimulatedCollector
from naetra_tui.builtin.llm.ollama import OllamaProvider
from naetra_tui.builtin.llm.openai import OpenAICompatibleProvider
from naetra_tui.builtin.notifiers.command import CommandNotifier
from naetra_tui.builtin.notifiers.terminal import TerminalNotifier
from naetra_tui.builtin.storage.memory import MemoryStorage
from naetra_tui.builtin.storage.sqlite import SQLiteStorage
from naetra_tui.testing import (
    AnalyzerContract,
    DataCollectorContract,
    LLMProviderContract,
    NotifierContract,
    StorageContract,
)
from tests.fakes.ollama_server import fake_ollama
from tests.fakes.openai_server import fake_openai


class TestSimulatedCollector(DataCollectorContract):
    plugin_class = SimulatedCollector
    config: ClassVar[dict[str, Any]] = {"seed": 7}
    bad_config: ClassVar[dict[str, Any]] = {"seed": "not a number"}
    unknown_symbol = None  # it makes up prices for any symbol: that is what it is for


class TestTechnicalAnalyzer(AnalyzerContract):
    plugin_class = TechnicalAnalyzer
    bad_config: ClassVar[dict[str, Any]] = {"indicators": ["NO_SUCH_INDICATOR"]}


class TestFundamentalAnalyzer(AnalyzerContract):
    plugin_class = FundamentalAnalyzer

    def data(self) -> dict[str, Any]:
        from naetra_tui.core.normalize import to_fundamentals

        fundamentals = to_fundamentals(
            {"name": "Apple Inc.", "pe_ratio": 31.2, "market_cap": 3.2e12}, symbol="AAPL", source="test"
        )
        return {"symbol": "AAPL", "timeframe": "1D", "history": None, "fundamentals": fundamentals}


class TestMemoryStorage(StorageContract):
    plugin_class = MemoryStorage


class TestSQLiteStorage(StorageContract):
    plugin_class = SQLiteStorage
    folder = tempfile.mkdtemp(prefix="naetra-contract-")
    config: ClassVar[dict[str, Any]] = {"path": str(Path(folder) / "contract.db")}
    bad_config: ClassVar[dict[str, Any]] = {"busy_timeout_ms": -5}


@pytest.fixture(scope="class")
def ollama_url() -> Iterator[str]:
    with fake_ollama() as (url, _):
        yield url


@pytest.fixture(scope="class")
def openai_url() -> Iterator[str]:
    with fake_openai() as (url, _):
        yield url


@pytest.mark.usefixtures("_point_at_ollama")
class TestOllamaProvider(LLMProviderContract):
    plugin_class = OllamaProvider
    config: ClassVar[dict[str, Any]] = {}
    bad_config: ClassVar[dict[str, Any]] = {"temperature": 9}

    @pytest.fixture
    def _point_at_ollama(self, ollama_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(type(self), "config", {"api_url": ollama_url, "model_name": "llama3.2:3b"})


@pytest.mark.usefixtures("_point_at_server")
class TestOpenAICompatibleProvider(LLMProviderContract):
    plugin_class = OpenAICompatibleProvider
    config: ClassVar[dict[str, Any]] = {}
    bad_config: ClassVar[dict[str, Any]] = {"base_url": "ftp://nope"}

    @pytest.fixture
    def _point_at_server(self, openai_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        config = {"base_url": openai_url, "api_key": "sk-contract-secret-42"}
        monkeypatch.setattr(type(self), "config", config)


class TestTerminalNotifier(NotifierContract):
    plugin_class = TerminalNotifier
    config: ClassVar[dict[str, Any]] = {"bell": False}
    bad_config: ClassVar[dict[str, Any]] = {"bell": "loudly"}


class TestCommandNotifier(NotifierContract):
    plugin_class = CommandNotifier
    config: ClassVar[dict[str, Any]] = {"program": [sys.executable, "-c", "import sys; sys.stdin.read()"]}
    bad_config: ClassVar[dict[str, Any]] = {"program": []}
