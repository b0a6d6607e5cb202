"""The one error tree of naetra-tui.

Every failure a user can cause or meet is one of these, and its message is a sentence a
person can act on. Callers catch the narrowest class they can handle::

    NaetraError                      base of everything raised on purpose
    ├── ConfigurationError           config.yaml (or a plugin's config) is wrong; has file:line
    ├── PluginError                  a plugin misbehaved; carries .category and .name
    │   ├── PluginLoadError          its code cannot be found, imported or is the wrong kind
    │   ├── PluginTimeout            initialize()/health_check() ran past its timeout
    │   └── PluginNotLoaded          get_plugin() of a plugin that is not ready (also a KeyError)
    ├── InvalidSymbol                what was typed is not a ticker (also a ValueError)
    ├── DataUnavailable              a data source has no data for this request (.symbol, .source)
    │   ├── UnknownSymbol            the source does not know the symbol at all
    │   └── NotSupported             the source does not provide this kind of data (news, options…)
    ├── RateLimited                  a provider refused because of its quota (.source, .retry_after)
    ├── StorageError                 a storage backend failed to save or read (.key)
    │   └── StorageUnavailable       the backend cannot be reached or opened at all
    └── LLMError                     the language model provider failed
        ├── LLMUnavailable           the server cannot be reached
        ├── ModelNotFound            the model is not installed on the server (.available)
        ├── ToolsUnsupported         the model cannot call tools (the chat falls back)
        ├── StreamInterrupted        the answer broke off mid-stream
        ├── ContextTooLong           the prompt does not fit the model's window (.window)
        ├── LLMAuthError             the server refused the API key (401/403)
        └── LLMRateLimited           the server is rate-limiting (429; .retry_after)
"""

from __future__ import annotations


class NaetraError(Exception):
    """Base class of every error naetra-tui raises on purpose."""


class ConfigurationError(NaetraError):
    """The configuration is invalid.

    Attributes:
        key_path: dotted key path of the offending value, e.g. ``plugins.llm[0].config.model_name``.
        file: the config file the value came from, if known.
        line: 1-based line in ``file``, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        key_path: str | None = None,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.key_path = key_path
        self.file = file
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        text = f"{self.key_path}: {self.message}" if self.key_path else self.message
        if self.file and self.line:
            text += f" ({self.file}:{self.line})"
        elif self.file:
            text += f" ({self.file})"
        return text


class PluginError(NaetraError):
    """A plugin failed. Carries which plugin, so the UI can show it in the right row.

    Attributes:
        category: the plugin's category (``data_collectors``, ``analyzers``, ``llm``, ``storage``).
        name: the plugin's configured name.
    """

    def __init__(self, message: str, *, category: str = "", name: str = "") -> None:
        self.category = category
        self.name = name
        self.message = message
        prefix = f"{category}/{name}: " if category and name else ""
        super().__init__(prefix + message)


class PluginLoadError(PluginError):
    """The plugin's class cannot be imported, found, or does not implement its interface."""


class PluginTimeout(PluginError):
    """A plugin call ran past its time limit."""


class PluginNotLoaded(PluginError, KeyError):
    """The plugin asked for is not loaded (disabled, failed, or unknown)."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return Exception.__str__(self)


class DataUnavailable(NaetraError):
    """No data for this request from this source.

    Attributes:
        symbol: the symbol asked for, if any.
        source: the data source that answered (or failed to).
    """

    def __init__(self, message: str, *, symbol: str | None = None, source: str | None = None):
        self.symbol = symbol
        self.source = source
        super().__init__(message)


class UnknownSymbol(DataUnavailable):
    """The source does not know the symbol."""


class NotSupported(DataUnavailable):
    """The source does not provide this kind of data at all (news, events, options): the
    next collector that does is asked, and a view says which plugin could provide it."""


class RateLimited(NaetraError):
    """The provider refused the request because of its rate limit or quota.

    Attributes:
        source: the provider.
        retry_after: seconds until a retry is worth it, if the provider said.
    """

    def __init__(self, message: str, *, source: str | None = None, retry_after: float | None = None):
        self.source = source
        self.retry_after = retry_after
        super().__init__(message)


class StorageError(NaetraError):
    """A storage operation failed; nothing was half-written.

    Attributes:
        key: the key being written or read, if any.
    """

    def __init__(self, message: str, *, key: str | None = None):
        self.key = key
        super().__init__(message)


class StorageUnavailable(StorageError):
    """The storage backend cannot be opened or reached."""


class LLMError(NaetraError):
    """The language model provider failed."""


class LLMUnavailable(LLMError):
    """The LLM server cannot be reached."""


class ModelNotFound(LLMError):
    """The requested model is not installed on the server.

    Attributes:
        model: the model asked for.
        available: the models the server does have.
    """

    def __init__(self, message: str, *, model: str = "", available: list[str] | None = None):
        self.model = model
        self.available = available or []
        super().__init__(message)


class InvalidSymbol(NaetraError, ValueError):
    """What was typed is not a symbol (garbage is refused before any request)."""


class ToolsUnsupported(LLMError):
    """The model cannot call tools; the chat falls back to context only."""


class StreamInterrupted(LLMError):
    """The answer stopped mid-stream; what arrived is kept and marked interrupted."""


class ContextTooLong(LLMError):
    """The prompt does not fit the model's context window (the chat trims old turns once).

    Attributes:
        window: the context window in tokens, when the server said.
    """

    def __init__(self, message: str, *, window: int | None = None):
        self.window = window
        super().__init__(message)


class LLMAuthError(LLMError):
    """The server refused the API key (HTTP 401/403)."""


class LLMRateLimited(LLMError):
    """The server is rate-limiting (HTTP 429); ``retry_after`` is its wait in seconds, if said."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        self.retry_after = retry_after
        super().__init__(message)
