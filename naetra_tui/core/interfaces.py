"""The four plugin contracts of the module development guide, the notifiers added to them, and
the shared lifecycle (``plugin_base.IPlugin``).

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

from abc import abstractmethod
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from .chat import DEFAULT_CONTEXT_WINDOW, ChatChunk, ChatTurn, ToolSpec
from .errors import NotSupported
from .notifier import AlertNotice, INotifier
from .plugin_base import IPlugin

if TYPE_CHECKING:
    from datetime import date

    from .models import Analysis, Quote

__all__ = [
    "CATEGORIES",
    "AlertNotice",
    "IAnalyzer",
    "IDataCollector",
    "ILLMProvider",
    "INotifier",
    "IPlugin",
    "IStorage",
    "interface_of",
]


class IDataCollector(IPlugin):
    """Interface for data collection modules."""

    category: ClassVar[str] = "data_collectors"
    #: ``get_quotes()`` fetches many symbols in one request.
    supports_batch_quotes: ClassVar[bool] = False
    #: ``stream_quotes()`` pushes live quotes.
    supports_streaming: ClassVar[bool] = False
    #: ``get_news()``, ``get_events()``, ``get_option_expirations()``/``get_option_chain()``
    #: answer (the defaults raise ``NotSupported``; see ``core/research.py`` for the shapes).
    supports_news: ClassVar[bool] = False
    supports_events: ClassVar[bool] = False
    supports_options: ClassVar[bool] = False
    #: Everything it returns is simulated (shown as such everywhere).
    simulated: ClassVar[bool] = False
    #: ``(requests, seconds)``: at most that many calls per window (free API tiers); the
    #: service stops asking before the provider refuses. ``None``: no limit.
    request_budget: tuple[int, float] | None = None

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

    async def get_history(self, symbol: str, timeframe: str, days: int | None = None) -> Any:
        """Price bars covering about the last ``days`` calendar days.

        The default (a guide-style collector) returns ``get_market_data(symbol, timeframe)``,
        whatever span that covers; the service trims it to the range asked for.

        Returns / Raises: as ``get_market_data``.
        """
        return await self.get_market_data(symbol, timeframe)

    async def get_news(self, symbol: str, limit: int = 20) -> Any:
        """Recent news about ``symbol``, newest first (only when ``supports_news``).

        Returns:
            A list of ``NewsItem`` or dicts with ``title``, ``publisher``, ``published_at``
            (datetime, ISO text or epoch seconds), ``link`` and ``related`` (symbols).

        Raises:
            NotSupported: this source has no news. UnknownSymbol, DataUnavailable,
            RateLimited: as for ``get_market_data``.
        """
        raise NotSupported(f"{type(self).__name__} has no news", symbol=symbol)

    async def get_events(self, symbol: str) -> Any:
        """Next earnings date (and EPS estimate), dividends (ex date, amount, pay date) and
        splits of ``symbol`` (only when ``supports_events``).

        Returns:
            A ``CorporateEvents`` or a dict of its fields; an index or a currency has none
            (say so in ``note``).

        Raises:
            NotSupported, UnknownSymbol, DataUnavailable, RateLimited: as for ``get_news``.
        """
        raise NotSupported(f"{type(self).__name__} has no corporate events", symbol=symbol)

    async def get_option_expirations(self, symbol: str) -> list[Any]:
        """The expiry dates the source lists for ``symbol`` (only when ``supports_options``).

        Raises:
            NotSupported, UnknownSymbol, DataUnavailable, RateLimited: as for ``get_news``.
        """
        raise NotSupported(f"{type(self).__name__} has no options", symbol=symbol)

    async def get_option_chain(self, symbol: str, expiry: date) -> Any:
        """Calls and puts of ``symbol`` expiring on ``expiry``: a dict with ``calls`` and
        ``puts``, each a list of dicts with ``strike``, ``bid``, ``ask``, ``last``, ``volume``,
        ``open_interest`` and ``implied_vol`` (a fraction a year) where the source has them.

        Raises:
            NotSupported, UnknownSymbol, DataUnavailable, RateLimited: as for ``get_news``;
            DataUnavailable also for an expiry the source does not list.
        """
        raise NotSupported(f"{type(self).__name__} has no options", symbol=symbol)

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

    @property
    def model(self) -> str:
        """The model this provider answers with unless told otherwise (``?`` if unknown)."""
        return str(getattr(self, "model_name", "?"))

    def context_window(self) -> int:
        """Tokens the model reads (prompt and answer): the chat trims old turns to fit."""
        return DEFAULT_CONTEXT_WINDOW

    async def list_models(self) -> list[str]:
        """Models the server offers, for the model picker.

        Raises:
            LLMUnavailable: the server cannot be reached.
        """
        return [self.model]

    async def capabilities(self, model: str | None = None) -> list[str]:
        """What a model can do (``tools``, ``vision`` ...); empty when the provider cannot tell.

        Raises:
            LLMUnavailable, ModelNotFound: as for ``generate``.
        """
        return []

    async def stream_chat(
        self,
        messages: list[ChatTurn],
        *,
        model: str | None = None,
        tools: list[ToolSpec] | None = None,
    ) -> AsyncIterator[ChatChunk]:
        """Stream an answer to a conversation. Closing the iterator stops the request.

        The default (for a guide-style provider with ``generate()`` only) sends the last user
        turn with the system prompt as context and yields the whole answer as one chunk.

        Args:
            messages: the conversation, oldest first (provider-neutral: translate it).
            model: the model to use (default: ``self.model``).
            tools: tools the model may call (only when ``supports_tools``).

        Raises:
            LLMUnavailable: the server cannot be reached.
            ModelNotFound: the model is not installed (the message lists what is).
            ToolsUnsupported: the model refuses tools (the chat retries without them).
            StreamInterrupted: the stream broke after some text arrived.
            ContextTooLong: the conversation does not fit the model's context window (the
                chat trims old turns once and asks again).
            LLMAuthError: the server refused the API key.
            LLMRateLimited: the server is rate-limiting (``retry_after`` when it says).
            LLMError: any other failure, with the server's reason.
        """
        system = next((m.content for m in messages if m.role == "system"), "")
        question = next((m.content for m in reversed(messages) if m.role == "user"), "")
        answer = await self.generate(question, {"system": system} if system else {})
        yield ChatChunk(content=str(answer), done=True, done_reason="stop")


class IStorage(IPlugin):
    """Interface for storage backends: JSON-serialisable values under string keys."""

    category: ClassVar[str] = "storage"
    #: ``store(..., ttl=...)`` and ``store_many(..., ttl=...)`` expire values.
    supports_ttl: ClassVar[bool] = False
    #: ``store_many`` is one transaction: all of the batch or nothing.
    atomic_batches: ClassVar[bool] = False
    #: ``lease()`` gives one process at a time a named lease (several alert watchers).
    supports_leases: ClassVar[bool] = False
    ability_parameters: ClassVar[dict[str, dict[str, str]]] = {
        "store": {"ttl": "supports_ttl"},
        "store_many": {"ttl": "supports_ttl"},
    }

    @property
    def location(self) -> str:
        """Where the data is kept, for messages ("saving to ..."): a file, a host. No secrets."""
        return type(self).__name__

    @property
    def identity(self) -> str:
        """What makes this storage the one it is — host, port, database, prefix or path, never
        a password — so changes it refused are kept for it and land in it alone (the local
        journal is named by a digest of it). Never shown. Default: the class and ``location``
        (override it when ``location`` hides what tells two storages apart)."""
        return f"{type(self).__module__}.{type(self).__qualname__}:{self.location}"

    @abstractmethod
    async def initialize(self, config: dict[str, Any]) -> None:
        """Initialize storage connection.

        Raises:
            StorageUnavailable: the database cannot be opened or reached.
        """

    @abstractmethod
    async def store(self, key: str, data: Any, *, ttl: float | None = None) -> None:
        """Store data; when this returns the value is durable.

        ``ttl`` (seconds until the value expires) is passed only to backends with
        ``supports_ttl``; a guide-style ``store(self, key, data)`` is fine without it.

        Raises:
            StorageError: the value is not JSON-serialisable (nothing stored) or the write failed.
        """

    @abstractmethod
    async def retrieve(self, key: str) -> Any:
        """Retrieve data, or ``None`` if the key is absent (or expired).

        Raises:
            StorageError: the read failed.
        """

    async def retrieve_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """The values of those ``keys`` that exist (an absent or expired key is left out).

        This default reads one key after another; backends override it with one query (every
        built-in does: 100,000 records in seconds, not minutes).

        Raises:
            StorageError: a read failed.
        """
        found: dict[str, Any] = {}
        for key in keys:
            value = await self.retrieve(key)
            if value is not None:
                found[key] = value
        return found

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

    async def lease(self, name: str, ttl: float) -> bool:
        """Take, or renew, the exclusive lease ``name`` (only with ``supports_leases``): True
        while this process holds it. It must pass on by itself when the holder dies — with its
        session (a PostgreSQL advisory lock), after ``ttl`` seconds unrenewed (a Redis key), or
        with the process (a file lock) — never by a protocol of our own.

        Raises:
            NotSupported: the backend has no leases. StorageError: it cannot be reached.
        """
        raise NotSupported(f"{type(self).__name__} has no leases")

    async def release_lease(self, name: str) -> None:
        """Give the lease up (a clean stop hands over at once). Raises: nothing."""

    async def store_many(
        self, items: Mapping[str, Any] | Iterable[tuple[str, Any]], *, ttl: float | None = None
    ) -> None:
        """Store many values.

        Backends with ``atomic_batches`` (every built-in) make this one transaction: on error
        nothing of the batch is stored. This default stores one value after another, so on error
        the values before the failing one are stored: override it to do better.

        Raises:
            StorageError: as for ``store``.
        """
        pairs = items.items() if isinstance(items, Mapping) else items
        for key, value in pairs:
            if ttl is not None and self.supports_ttl:
                await self.store(key, value, ttl=ttl)
            else:
                await self.store(key, value)

    async def store_expiring(self, key: str, data: Any, ttl: float) -> None:
        """Store a value that expires after ``ttl`` seconds (caches of prices and analyses).

        A backend with ``supports_ttl`` accepts ``store(key, data, ttl=seconds)``, which this
        default calls; without it the value is stored without expiry (readers check its age).

        Raises:
            StorageError: as for ``store``.
        """
        if self.supports_ttl:
            await self.store(key, data, ttl=ttl)
        else:
            await self.store(key, data)


#: Category name -> interface class.
CATEGORIES: dict[str, type[IPlugin]] = {
    "data_collectors": IDataCollector,
    "analyzers": IAnalyzer,
    "llm": ILLMProvider,
    "storage": IStorage,
    "notifiers": INotifier,
}


def interface_of(category: str) -> type[IPlugin]:
    """The interface a category's plugins implement: its own for the categories the app uses, the
    guide's generic ``IPlugin`` for any other category a config names (``custom:``)."""
    return CATEGORIES.get(category, IPlugin)
