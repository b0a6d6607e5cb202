"""The contract kit fails a plugin that breaks the contract: it blocks the event loop, leaves a
task running after cleanup(), shows its secret, answers in shapes the services refuse."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, ClassVar

import pytest

from naetra_tui.core.errors import UnknownSymbol
from naetra_tui.core.interfaces import IDataCollector, IStorage
from naetra_tui.testing import DataCollectorContract, StorageContract, sample_history


class Careless(IDataCollector):
    def __init__(self) -> None:
        self.api_key = ""
        self.leak: asyncio.Task[None] | None = None

    async def initialize(self, config: dict[str, Any]) -> None:
        self.api_key = config.get("api_key", "")
        logging.getLogger("careless").info("connecting with key %s", self.api_key)

    async def get_market_data(self, symbol: str, timeframe: str) -> Any:
        if symbol != "AAPL":
            raise UnknownSymbol(symbol)
        time.sleep(0.12)  # a blocking HTTP call in an async def
        self.leak = asyncio.get_running_loop().create_task(asyncio.sleep(3600))
        return sample_history()

    async def get_fundamentals(self, symbol: str) -> Any:
        return {}

    def __repr__(self) -> str:
        return f"Careless(api_key={self.api_key})"


class CarelessContract(DataCollectorContract):
    plugin_class = Careless
    config: ClassVar[dict[str, Any]] = {"api_key": "sk-very-secret-1"}


def test_a_blocking_call_fails_the_contract() -> None:
    with pytest.raises(AssertionError, match=r"kept the event loop busy for \d+ ms"):
        CarelessContract().test_market_data_is_a_history_the_services_accept()


def test_a_task_left_running_after_cleanup_fails_the_contract() -> None:
    with pytest.raises(AssertionError, match="tasks still running after cleanup"):
        CarelessContract().test_cleanup_twice_leaves_no_task_or_thread_behind()


def test_a_secret_in_repr_or_logs_fails_the_contract() -> None:
    class Loose(CarelessContract):
        max_block_ms = 1000.0  # only the secret is checked here

    with pytest.raises(AssertionError, match="secret"):
        Loose().test_never_shows_a_secret_in_repr_or_logs()


class Forgetful(IStorage):
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    async def initialize(self, config: dict[str, Any]) -> None:
        return None

    async def store(self, key: str, data: Any) -> None:
        self.data[key] = str(data)  # stores text, not the record

    async def retrieve(self, key: str) -> Any:
        return self.data.get(key)

    async def delete(self, key: str) -> bool:
        return self.data.pop(key, None) is not None

    async def keys(self, prefix: str = "") -> list[str]:
        return [k for k in self.data if k.startswith(prefix)]


def test_a_storage_that_does_not_round_trip_fails_the_contract() -> None:
    class ForgetfulContract(StorageContract):
        plugin_class = Forgetful

    with pytest.raises(AssertionError):
        ForgetfulContract().test_records_round_trip()
