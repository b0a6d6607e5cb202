"""The four plugin contracts of the module development guide, plus a shared lifecycle.

The abstract methods keep exactly the guide's names and parameters, so a plugin written as the
guide shows (returning plain ``dict``s) is a valid plugin. Typed returns (``Quote``,
``PriceHistory``, ``Fundamentals``, ``Analysis``) are preferred; the services normalise plain
dicts into them (see :mod:`naetra_tui.core.normalize`).

Optional abilities are class attributes (``supports_*``) so the services can ask without calling.
A plugin may declare ``config_model`` (a pydantic model, ideally with ``extra="forbid"``): the
plugin manager validates the entry's ``config:`` against it before ``initialize()`` and reports
errors with the key path and ``file:line``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .models import Analysis, Health, Quote

__all__ = ["CATEGORIES", "IAnalyzer", "IDataCollector", "ILLMProvider", "IPlugin", "IStorage"]


class IPlugin(ABC):  # noqa: B024 - the lifecycle hooks all have defaults
    """Lifecycle shared by every plugin: ``initialize`` → ``health_check``* → ``cleanup``."""

    #: Category this interface belongs to (set on each interface below).
    category: ClassVar[str] = ""
    #: Optional pydantic model of the plugin's ``config:`` mapping.
    config_model: ClassVar[type[BaseModel] | None] = None
    #: One-line description shown in ``--list-plugins`` and the Plugins screen.
    description: ClassVar[str] = ""

    async def initialize(self, config: dict[str, Any]) -> None:  # noqa: B027 - optional hook
        """Prepare the plugin with its (validated) ``config:`` mapping.

        Raises:
            ConfigurationError: the config is unusable.
            PluginError: the plugin cannot start (the manager marks it ``failed``).
        """

    async def health_check(self) -> bool | Health:
        """Say whether the plugin can do its job right now.

        Returns:
            ``True``/``False`` (the guide's form) or a ``Health`` with a detail line. ``False``
            marks the plugin ``degraded``; it stays loaded.

        Raises:
            Any exception is treated as ``degraded`` with the exception as the reason.
        """
        return True

    async def cleanup(self) -> None:  # noqa: B027 - optional hook
        """Release connections, threads and files. Called on disable and on exit.

        Raises:
            Nothing should escape; the manager logs and ignores errors here.
        """


class IDataCollector(IPlugin):
    """Interface for data collection modules."""

    category: ClassVar[str] = "data_collectors"
    #: ``get_quotes()`` fetches many symbols in one request.
    supports_batch_quotes: ClassVar[bool] = False
    #: ``stream_quotes()`` pushes live quotes.
    supports_streaming: ClassVar[bool] = False
    #: Everything it returns is simulated (shown as such everywhere).
    simulated: ClassVar[bool] = False

    @abstractmethod
    async def initialize(self, config: dict[str, Any]) -> None:
        """Initialize the collector with configuration.

        Raises:
            ConfigurationError: a required setting (e.g. an API key) is missing or invalid.
        """

    @abstractmethod
    async def get_market_data(self, symbol: str, timeframe: str) -> Any:
        """Fetch the price history of a symbol.

        Args:
            symbol: a normalised symbol such as ``AAPL``, ``^GSPC``, ``BTC-USD``.
            timeframe: bar size (``1m``, ``5m``, ``15m``, ``1h``, ``1D``, ``1W``, ``1M``).

        Returns:
            A ``PriceHistory``, or a dict the normaliser accepts (columns of OHLCV lists).

        Raises:
            UnknownSymbol: the source does not know the symbol.
            DataUnavailable: no data now (network down, empty answer).
            RateLimited: the provider's quota is exhausted.
        """

    @abstractmethod
    async def get_fundamentals(self, symbol: str) -> Any:
        """Fetch fundamental data for a symbol.

        Returns:
            ``Fundamentals`` or a dict of fields (missing fields absent, never 0).

        Raises:
            UnknownSymbol, DataUnavailable, RateLimited: as for ``get_market_data``.
        """

    async def get_quotes(self, symbols: list[str]) -> dict[str, Quote | Exception]:
        """Latest quotes of many symbols, one result or error per symbol.

        The default fetches each symbol's daily history; collectors with a batch endpoint
        override it and set ``supports_batch_quotes``.

        Raises:
            RateLimited / DataUnavailable: the whole batch failed (per-symbol failures are
            returned as values instead).
        """
        from .normalize import quote_from_history, to_history

        results: dict[str, Quote | Exception] = {}
        for symbol in symbols:
            try:
                raw = await self.get_market_data(symbol, "1D")
                history = to_history(raw, symbol=symbol, timeframe="1D", source=type(self).__name__)
                results[symbol] = quote_from_history(history)
            except Exception as exc:  # one bad symbol never sinks the batch
                results[symbol] = exc
        return results

    def stream_quotes(self, symbols: list[str]) -> AsyncIterator[Quote]:
        """Live quotes as they happen (only when ``supports_streaming``).

        Raises:
            NotImplementedError: the source has no stream; the service polls instead.
        """
        raise NotImplementedError(f"{type(self).__name__} has no live stream")


class IAnalyzer(IPlugin):
    """Interface for analysis modules."""

    category: ClassVar[str] = "analyzers"
    #: Needs fundamentals (``data["fundamentals"]``) rather than price bars.
    needs_fundamentals: ClassVar[bool] = False

    @abstractmethod
    async def analyze(self, data: Any) -> Analysis:
        """Perform analysis on provided data.

        Args:
            data: a mapping with ``symbol``, ``timeframe``, ``history`` (``PriceHistory``) and
                ``fundamentals`` (``Fundamentals`` or ``None``); or, from a guide-style caller,
                a plain dict of OHLCV lists.

        Raises:
            DataUnavailable: nothing in ``data`` this analyzer can work on.
        """

    @abstractmethod
    async def validate(self, analysis: Analysis) -> bool:
        """Validate analysis results (no value claimed on too few bars, no NaN claimed).

        Raises:
            Nothing: returns ``False`` for an invalid analysis.
        """


class ILLMProvider(IPlugin):
    """Interface for LLM integration."""

    category: ClassVar[str] = "llm"
    supports_streaming: ClassVar[bool] = False
    supports_tools: ClassVar[bool] = False

    @abstractmethod
    async def initialize(self, config: dict[str, Any]) -> None:
        """Initialize the LLM provider.

        Raises:
            ConfigurationError: bad server URL or model name.
        """

    @abstractmethod
    async def generate(self, prompt: str, context: dict[str, Any]) -> str:
        """Generate a response from the LLM for one prompt with its context.

        Raises:
            LLMUnavailable: the server cannot be reached.
            ModelNotFound: the model is not installed.
            LLMError: any other failure, with the server's reason.
        """


class IStorage(IPlugin):
    """Interface for storage backends: JSON-serialisable values under string keys."""

    category: ClassVar[str] = "storage"
    #: ``store(..., ttl=...)`` and ``store_many(..., ttl=...)`` expire values.
    supports_ttl: ClassVar[bool] = False

    @abstractmethod
    async def initialize(self, config: dict[str, Any]) -> None:
        """Initialize storage connection.

        Raises:
            StorageUnavailable: the database cannot be opened or reached.
        """

    @abstractmethod
    async def store(self, key: str, data: Any) -> None:
        """Store data; when this returns the value is durable.

        Raises:
            StorageError: the value is not JSON-serialisable (nothing stored) or the write failed.
        """

    @abstractmethod
    async def retrieve(self, key: str) -> Any:
        """Retrieve data, or ``None`` if the key is absent (or expired).

        Raises:
            StorageError: the read failed.
        """

    async def delete(self, key: str) -> bool:
        """Delete a key. Returns whether it existed.

        Raises:
            NotImplementedError: the backend cannot delete.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot delete keys")

    async def keys(self, prefix: str = "") -> list[str]:
        """All live keys starting with ``prefix``, sorted.

        Raises:
            NotImplementedError: the backend cannot list keys.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot list keys")

    async def store_many(self, items: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        """Store many values; backends make this one transaction.

        Raises:
            StorageError: as for ``store``; on error nothing of the batch is stored.
        """
        pairs = items.items() if isinstance(items, Mapping) else items
        for key, value in pairs:
            await self.store(key, value)


#: Category name -> interface class.
CATEGORIES: dict[str, type[IPlugin]] = {
    "data_collectors": IDataCollector,
    "analyzers": IAnalyzer,
    "llm": ILLMProvider,
    "storage": IStorage,
}
