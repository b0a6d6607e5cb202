"""The contract of each category: the shapes the services accept and the documented errors."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from ..core.chat import ChatChunk, ChatTurn
from ..core.errors import DataUnavailable, UnknownSymbol
from ..core.models import Analysis, PriceHistory, utcnow
from ..core.normalize import history_from_arrays, to_fundamentals, to_history
from ..core.notifier import AlertNotice
from .contract import LoopWatch, PluginContract


def sample_history(symbol: str = "AAPL", bars: int = 300) -> PriceHistory:
    """A year and more of plausible daily bars (a random walk, fixed seed) for analyzers."""
    rng = np.random.default_rng(7)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, bars)))
    end = np.datetime64(utcnow().date().isoformat(), "s")
    stamps = end - np.arange(bars)[::-1] * np.timedelta64(1, "D")
    arrays = {
        "open": close * (1 + rng.normal(0, 0.002, bars)),
        "high": close * 1.01,
        "low": close * 0.99,
        "close": close,
        "volume": rng.integers(1_000_000, 5_000_000, bars).astype(float),
    }
    return history_from_arrays(symbol, "1D", stamps, arrays, source="naetra_tui.testing", simulated=True)


class DataCollectorContract(PluginContract):
    """``symbol`` must be one the source knows; ``unknown_symbol`` one it does not. Override
    ``make_unavailable(plugin)`` to cut the source off (e.g. point it at a closed port) and the
    unavailable-data check runs too."""

    symbol: ClassVar[str] = "AAPL"
    #: None for a source that answers for any symbol (a simulation): those checks are skipped
    unknown_symbol: ClassVar[str | None] = "ZZZZQX"

    def _needs_unknown_symbol(self) -> str:
        if self.unknown_symbol is None:
            import pytest

            pytest.skip("this source answers for every symbol (unknown_symbol = None)")
        return self.unknown_symbol

    async def exercise(self, plugin: Any) -> None:
        await plugin.get_market_data(self.symbol, "1D")

    def make_unavailable(self, plugin: Any) -> None:
        import pytest

        pytest.skip("override make_unavailable(plugin) to check the unavailable-data error")

    def test_market_data_is_a_history_the_services_accept(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            raw = await watch.watch(plugin.get_market_data(self.symbol, "1D"))
            history = to_history(raw, symbol=self.symbol, timeframe="1D", source=type(plugin).__name__)
            assert len(history) > 0, "get_market_data returned no bars"
            assert np.all(np.isfinite(history.close)), "a close that is not a number"

        self.run(scenario)

    def test_quotes_have_one_result_or_error_per_symbol(self) -> None:
        unknown = self._needs_unknown_symbol()

        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            results = await watch.watch(plugin.get_quotes([self.symbol, unknown]))
            assert set(results) == {self.symbol, unknown}
            assert not isinstance(results[self.symbol], Exception), results[self.symbol]
            assert isinstance(results[unknown], Exception)

        self.run(scenario)

    def test_fundamentals_are_accepted_or_refused_with_the_documented_error(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            try:
                raw = await watch.watch(plugin.get_fundamentals(self.symbol))
            except DataUnavailable:
                return  # documented: this source has none
            to_fundamentals(raw, symbol=self.symbol, source=type(plugin).__name__)

        self.run(scenario)

    def test_an_unknown_symbol_raises_unknown_symbol(self) -> None:
        unknown = self._needs_unknown_symbol()

        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            try:
                await watch.watch(plugin.get_market_data(unknown, "1D"))
            except UnknownSymbol:
                return
            raise AssertionError(f"get_market_data({unknown!r}) did not raise UnknownSymbol")

        self.run(scenario)

    def test_unavailable_data_raises_data_unavailable(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            self.make_unavailable(plugin)
            try:
                await watch.watch(plugin.get_market_data(self.symbol, "1D"))
            except DataUnavailable:
                return
            raise AssertionError("get_market_data did not raise DataUnavailable with the source cut off")

        self.run(scenario)


class AnalyzerContract(PluginContract):
    """Analyzes ``sample_history()`` (override ``data()`` to give it something else)."""

    def data(self) -> dict[str, Any]:
        history = sample_history()
        return {"symbol": history.symbol, "timeframe": "1D", "history": history, "fundamentals": None}

    async def exercise(self, plugin: Any) -> None:
        await plugin.analyze(self.data())

    def test_analysis_is_an_analysis_that_validates(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            analysis = await watch.watch(plugin.analyze(self.data()))
            assert isinstance(analysis, Analysis), f"analyze() returned {type(analysis).__name__}"
            assert await plugin.validate(analysis) is True

        self.run(scenario)

    def test_nothing_to_work_on_raises_data_unavailable(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            empty = {"symbol": "AAPL", "timeframe": "1D", "history": None, "fundamentals": None}
            try:
                await watch.watch(plugin.analyze(empty))
            except DataUnavailable:
                return
            raise AssertionError("analyze() with no data did not raise DataUnavailable")

        self.run(scenario)


class LLMProviderContract(PluginContract):
    """Point ``config`` at a server (a local stand-in speaking its wire format is fine)."""

    async def exercise(self, plugin: Any) -> None:
        await plugin.generate("Say hello.", {})

    def test_generate_returns_text(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            answer = await watch.watch(plugin.generate("Say hello.", {"symbol": "AAPL"}))
            assert isinstance(answer, str)

        self.run(scenario)

    def test_stream_chat_yields_chunks_and_ends(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            async def collect() -> list[Any]:
                return [c async for c in plugin.stream_chat([ChatTurn("user", "Say hello.")])]

            chunks = await watch.watch(collect())
            assert chunks and all(isinstance(c, ChatChunk) for c in chunks)

        self.run(scenario)


class StorageContract(PluginContract):
    """Point ``config`` at a throwaway place (a temporary file, a test database or prefix)."""

    async def exercise(self, plugin: Any) -> None:
        await plugin.store("contract/x", {"v": 1})

    def test_records_round_trip(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            record = {"v": 1, "text": "naïve ✓", "n": [1, 2.5, None], "nested": {"ok": True}}
            await watch.watch(plugin.store("contract/a", record))
            await watch.watch(plugin.store_many({"contract/b": 2, "contract/c": "three"}))
            assert await watch.watch(plugin.retrieve("contract/a")) == record
            assert await watch.watch(plugin.retrieve("contract/missing")) is None
            many = await watch.watch(plugin.retrieve_many(["contract/a", "contract/c", "contract/missing"]))
            assert many == {"contract/a": record, "contract/c": "three"}, (
                f"retrieve_many must give what retrieve gives, absent keys left out; it gave {many!r}"
            )
            keys = await watch.watch(plugin.keys("contract/"))
            assert {"contract/a", "contract/b", "contract/c"} <= set(keys)
            assert await watch.watch(plugin.delete("contract/b")) is True
            assert await watch.watch(plugin.delete("contract/b")) is False
            assert await watch.watch(plugin.retrieve("contract/b")) is None
            for key in ("contract/a", "contract/c"):
                await plugin.delete(key)

        self.run(scenario)


class NotifierContract(PluginContract):
    """Point ``config`` at a throwaway receiver (a temporary file, a local HTTP server)."""

    def notice(self) -> AlertNotice:
        return AlertNotice(
            alert_id="contract",
            symbol="AAPL",
            rule="price > 250",
            message="AAPL: price > 250 (price 251.2)",
            values={"price": 251.2},
            event_id="contract-1",
        )

    async def exercise(self, plugin: Any) -> None:
        await plugin.notify(self.notice())

    def test_a_notice_is_delivered_without_blocking_the_loop(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            await watch.watch(plugin.notify(self.notice()))

        self.run(scenario)

    def test_hostile_text_is_delivered_as_text(self) -> None:
        async def scenario(plugin: Any, watch: LoopWatch) -> None:
            hostile = replace(self.notice(), message="AAPL \x1b[31m[bold]$(rm -rf ~)[/bold]; `id` | cat")
            await watch.watch(plugin.notify(hostile))

        self.run(scenario)
