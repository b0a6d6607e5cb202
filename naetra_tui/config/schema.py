"""The config's shape: pydantic models of ``app``, ``logging``, ``metrics`` and ``plugins``.

Every field has a docstring (shown by ``--check-config`` and the plugin forms); unknown keys
are errors, except under ``plugins:``, where any category name loads (the guide's ``custom:``).
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from ..core.interfaces import CATEGORIES

#: The categories the app itself uses, each with its interface (one list: core.interfaces).
CATEGORY_NAMES = tuple(CATEGORIES)
DEFAULT_WATCHLIST = ["AAPL", "MSFT", "NVDA", "SPY", "^GSPC", "BTC-USD", "EURUSD=X"]


def _check_symbol(text: str) -> str:
    """The app's own symbol rule (core.symbols), so config and app never disagree; the message
    does not repeat the value (the config's messages never do)."""
    from ..core.errors import InvalidSymbol
    from ..core.symbols import normalize_symbol

    try:
        normalize_symbol(text)
    except InvalidSymbol:
        raise ValueError(
            "not a symbol the app can use: letters, digits and . - = ^ only (e.g. AAPL, BRK.B, ^GSPC, "
            "EURUSD=X, BTC-USD; BRK/B is written BRK.B or BRK-B)"
        ) from None
    return text


Symbol = Annotated[str, AfterValidator(_check_symbol)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AppSettings(_Strict):
    """Settings of the application itself."""

    watchlist: list[Symbol] = Field(default_factory=lambda: list(DEFAULT_WATCHLIST))
    """Symbols of the default watchlist, used until the user edits their watchlists."""
    refresh_interval: float = Field(15.0, ge=1.0, le=3600.0)
    """Seconds between watchlist refreshes."""
    stale_after: float = Field(120.0, ge=1.0)
    """A quote older than this many seconds (while its market is open) is marked STALE."""
    theme: str = "naetra-dark"
    """Theme name (see themes/); the last one chosen in the app wins over this."""
    storage: str = "sqlite"
    """Name of the storage plugin entry to save to."""
    llm: str = "ollama"
    """Name of the LLM plugin entry the chat uses."""
    llm_model: str | None = None
    """Model for the chat; defaults to the LLM plugin's own model_name."""
    plugin_timeout: float = Field(10.0, gt=0, le=300)
    """Seconds a plugin's initialize() may take before it is marked failed."""
    health_interval: float = Field(60.0, ge=1.0)
    """Seconds between plugin health checks while the app runs."""
    base_currency: str = "USD"
    """The currency portfolio values and P&L are shown in (ISO 4217: USD, EUR, GBP, ...)."""

    @field_validator("base_currency")
    @classmethod
    def _check_base_currency(cls, value: str) -> str:
        from ..core.currency import InvalidCurrency, check_currency, main_unit

        try:
            return main_unit(check_currency(value))[0]
        except InvalidCurrency as exc:
            raise ValueError(str(exc)) from None


class LoggingSettings(_Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """Log level of the log file."""
    file: str | None = None
    """Log file; default is naetra-tui.log in the user log directory."""


class MetricsSettings(_Strict):
    port: int | None = Field(None, ge=1, le=65535)
    """Serve Prometheus metrics on this port; off when empty."""
    host: str = "127.0.0.1"


class McpSettings(_Strict):
    """``naetra-tui mcp``: what agents may do and how much."""

    allow_proposals: bool = False
    """Let agents propose changes (symbols, alerts, lots); each waits for the user to accept it."""
    calls_per_minute: int = Field(120, ge=1, le=10_000)
    """Tool calls per minute a client may make; more get a clear error until the minute passes."""
    max_symbols: int = Field(50, ge=1, le=500)
    """Symbols per call at most."""
    allowed_origins: list[str] = Field(default_factory=list)
    """Browser origins allowed to call the HTTP server (none by default: no web page may)."""


class ResearchSettings(_Strict):
    """News, events and options."""

    risk_free_rate: float = Field(0.04, ge=-0.05, le=0.5)
    """Annual risk-free rate (0.04 = 4 %) for the Greeks and implied volatilities of options."""


class PortfolioSettings(_Strict):
    """Positions."""

    cost_method: Literal["fifo", "average"] = "fifo"
    """Which lots a sale takes: the oldest first (fifo), or a share of each (average cost)."""
    benchmark: str = "^GSPC"
    """The index performance is compared with (rebased to the portfolio's start)."""


class AlertsSettings(_Strict):
    """The headless watcher."""

    watch_interval: float = Field(60.0, ge=5, le=86400)
    """Seconds between the checks of ``naetra-tui watch``."""


class PluginEntry(BaseModel):
    """One entry of ``plugins.<category>``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    class_path: str | None = Field(None, alias="class")
    plugin: str | None = None
    enabled: bool = True
    timeout: float | None = Field(None, gt=0, le=300)
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("config", mode="before")
    @classmethod
    def _empty_config(cls, value: Any) -> Any:
        return {} if value is None else value

    @model_validator(mode="after")
    def _exactly_one_source(self) -> PluginEntry:
        if bool(self.class_path) == bool(self.plugin):
            raise ValueError(
                "give exactly one of 'class' (a dotted path) or 'plugin' (an installed plugin's name)"
            )
        return self

    @property
    def reference(self) -> str:
        """Human-readable origin: the class path or ``plugin:name``."""
        return self.class_path or f"plugin:{self.plugin}"


class _NearMiss:
    """Stands in for a category key that looks like a typo, so its error points at the key."""

    def __init__(self, key: str, problem: str) -> None:
        self.key, self.problem = key, problem


def _reject_near_miss(value: Any) -> Any:
    if isinstance(value, _NearMiss):
        raise ValueError(value.problem)
    return [] if value is None else value


#: A category the app does not use itself (the guide's ``custom:``): plain ``IPlugin`` entries.
OtherCategory = Annotated[list[PluginEntry], BeforeValidator(_reject_near_miss)]


class PluginsConfig(BaseModel):
    """``plugins:``: the app's four categories, and any other category name (a Python identifier)
    whose entries are loaded as the guide's generic ``IPlugin``."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, OtherCategory] = Field(init=False)

    data_collectors: list[PluginEntry] = Field(default_factory=list)
    analyzers: list[PluginEntry] = Field(default_factory=list)
    llm: list[PluginEntry] = Field(default_factory=list)
    storage: list[PluginEntry] = Field(default_factory=list)
    notifiers: list[PluginEntry] = Field(default_factory=list)

    @field_validator("data_collectors", "analyzers", "llm", "storage", "notifiers", mode="before")
    @classmethod
    def _empty_list(cls, value: Any) -> Any:
        return [] if value is None else value

    @model_validator(mode="before")
    @classmethod
    def _other_categories(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out: dict[Any, Any] = {}
        for key, value in data.items():
            name = str(key)
            if name in CATEGORY_NAMES:
                out[key] = value
            elif not name.isidentifier():
                out[name] = _NearMiss(
                    name, "a plugin category must be a name like 'custom' (letters, digits, _)"
                )
            elif close := difflib.get_close_matches(name, CATEGORY_NAMES, n=1, cutoff=0.75):
                out[name] = _NearMiss(name, f"unknown key '{name}'; did you mean '{close[0]}'?")
            else:
                out[name] = value
        return out

    @model_validator(mode="after")
    def _unique_names(self) -> PluginsConfig:
        for category in self.categories():
            seen: set[str] = set()
            for entry in self.of(category):
                if entry.name in seen:
                    raise ValueError(f"duplicate plugin name '{entry.name}' in {category}")
                seen.add(entry.name)
        return self

    def categories(self) -> list[str]:
        """The app's four categories, then the others in config order."""
        return [*CATEGORY_NAMES, *(self.__pydantic_extra__ or {})]

    def of(self, category: str) -> list[PluginEntry]:
        """The entries of one category (empty for a category the config does not name)."""
        if category in CATEGORY_NAMES:
            return list(getattr(self, category))
        return list((self.__pydantic_extra__ or {}).get(category, []))

    def entries(self) -> list[tuple[str, int, PluginEntry]]:
        return [(c, i, e) for c in self.categories() for i, e in enumerate(self.of(c))]


class NaetraConfig(_Strict):
    app: AppSettings = Field(default_factory=lambda: AppSettings())
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    metrics: MetricsSettings = Field(default_factory=lambda: MetricsSettings())
    mcp: McpSettings = Field(default_factory=lambda: McpSettings())
    research: ResearchSettings = Field(default_factory=lambda: ResearchSettings())
    alerts: AlertsSettings = Field(default_factory=lambda: AlertsSettings())
    portfolio: PortfolioSettings = Field(default_factory=lambda: PortfolioSettings())
    plugins: PluginsConfig = Field(default_factory=PluginsConfig)
