"""``config.yaml``: loading, ``${ENV}`` interpolation, validation and clear errors.

The file follows the module development guide's format::

    plugins:
      <category>:                 # data_collectors | analyzers | llm | storage
        - name: yahoo_finance
          class: plugins.data_collectors.yahoo_finance.YahooFinanceCollector   # or
          plugin: yahoo_finance   # a name registered under the entry-point group naetra.<category>
          enabled: true
          config: {...}           # validated against the plugin's own config_model

plus the app's own sections ``app``, ``logging`` and ``metrics``. Every error names the key path
and ``file:line``; unknown keys get a "did you mean"; values never appear in messages (they may
be secrets). YAML is read with ``safe_load`` semantics and aliases are bounded (no alias bombs).
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .config_discovery import discover_config_path as discover_config_path  # re-exported
from .core.errors import ConfigurationError

Loc = tuple[str | int, ...]

#: Upper bound on YAML nodes after alias expansion; a real config has a few hundred.
MAX_YAML_NODES = 20_000
CATEGORY_NAMES = ("data_collectors", "analyzers", "llm", "storage")
DEFAULT_WATCHLIST = ["AAPL", "MSFT", "NVDA", "SPY", "^GSPC", "BTC-USD", "EURUSD=X"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AppSettings(_Strict):
    """Settings of the application itself."""

    watchlist: list[str] = Field(default_factory=lambda: list(DEFAULT_WATCHLIST))
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


class LoggingSettings(_Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """Log level of the log file."""
    file: str | None = None
    """Log file; default is naetra-tui.log in the user log directory."""


class MetricsSettings(_Strict):
    port: int | None = Field(None, ge=1, le=65535)
    """Serve Prometheus metrics on this port; off when empty."""
    host: str = "127.0.0.1"


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


class PluginsConfig(_Strict):
    data_collectors: list[PluginEntry] = Field(default_factory=list)
    analyzers: list[PluginEntry] = Field(default_factory=list)
    llm: list[PluginEntry] = Field(default_factory=list)
    storage: list[PluginEntry] = Field(default_factory=list)

    @field_validator("*", mode="before")
    @classmethod
    def _empty_list(cls, value: Any) -> Any:
        return [] if value is None else value

    @model_validator(mode="after")
    def _unique_names(self) -> PluginsConfig:
        for category in CATEGORY_NAMES:
            seen: set[str] = set()
            for entry in getattr(self, category):
                if entry.name in seen:
                    raise ValueError(f"duplicate plugin name '{entry.name}' in {category}")
                seen.add(entry.name)
        return self

    def entries(self) -> list[tuple[str, int, PluginEntry]]:
        return [(c, i, e) for c in CATEGORY_NAMES for i, e in enumerate(getattr(self, c))]


class NaetraConfig(_Strict):
    app: AppSettings = Field(default_factory=AppSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    plugins: PluginsConfig = Field(default_factory=PluginsConfig)


@dataclass
class ConfigSource:
    """Where a config came from, to point errors at ``file:line``."""

    path: Path | None
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None

    def error(self, message: str, loc: Loc) -> ConfigurationError:
        return ConfigurationError(
            message,
            key_path=format_loc(loc) or None,
            file=str(self.path) if self.path else None,
            line=self.line_of(loc),
        )


@dataclass
class LoadedConfig:
    config: NaetraConfig
    source: ConfigSource
    found_by: str = ""

    @property
    def path(self) -> Path | None:
        return self.source.path

    @property
    def directory(self) -> Path | None:
        return self.source.path.parent if self.source.path else None


def format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# --- YAML -------------------------------------------------------------------------------------


def _walk_nodes(
    node: yaml.Node, loc: Loc, lines: dict[Loc, int], budget: list[int], source: ConfigSource
) -> None:
    """Record the line of every key path; stop alias bombs by counting expanded nodes."""
    budget[0] -= 1
    if budget[0] < 0:
        raise source.error(
            f"the YAML expands to more than {MAX_YAML_NODES} values (an alias bomb?); refusing to load it",
            loc,
        )
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise ConfigurationError(
                    f"duplicate key '{key}'",
                    key_path=format_loc((*loc, key)),
                    file=str(source.path) if source.path else None,
                    line=key_node.start_mark.line + 1,
                )
            seen.add(key)
            lines[(*loc, key)] = key_node.start_mark.line + 1
            _walk_nodes(value_node, (*loc, key), lines, budget, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk_nodes(item, (*loc, index), lines, budget, source)


def parse_yaml(text: str, path: Path | None) -> tuple[Any, ConfigSource]:
    """Parse YAML safely, returning the data and the key-path → line map.

    Raises:
        ConfigurationError: syntax error (with line and column), alias bomb, duplicate key.
    """
    source = ConfigSource(path)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, source
        _walk_nodes(node, (), source.lines, [MAX_YAML_NODES], source)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigurationError(
            f"YAML syntax error{where}: {problem}",
            file=str(path) if path else None,
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"cannot read YAML: {exc}", file=str(path) if path else None) from None
    finally:
        loader.dispose()
    return data, source


# --- ${ENV} interpolation ---------------------------------------------------------------------

_ENV_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def interpolate(value: Any, env: Mapping[str, str], source: ConfigSource, loc: Loc = ()) -> Any:
    """Replace ``${VAR}`` and ``${VAR:-default}`` in every string of the document.

    Raises:
        ConfigurationError: a variable is unset and has no default (names the variable).
    """
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in env and env[name] != "":
                return env[name]
            if default is not None:
                return default
            raise source.error(
                f"environment variable ${{{name}}} is not set (set it, or write ${{{name}:-default}})",
                loc,
            )

        return _ENV_PATTERN.sub(replace, value)
    if isinstance(value, dict):
        return {k: interpolate(v, env, source, (*loc, str(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, source, (*loc, i)) for i, v in enumerate(value)]
    return value


# --- validation errors ------------------------------------------------------------------------


def _strip_optional(annotation: Any) -> Any:
    """``X | None`` -> ``X`` (the first non-None member of a union)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return members[0] if members else None
    return annotation


def _descend(annotation: Any, part: str | int) -> Any:
    annotation = _strip_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(part, str):
        fields = {f.alias or n: f for n, f in annotation.model_fields.items()}
        return fields[part].annotation if part in fields else None
    origin = typing.get_origin(annotation)
    if origin is list and isinstance(part, int):
        return typing.get_args(annotation)[0]
    if origin is dict and isinstance(part, str):
        return typing.get_args(annotation)[1]
    return None


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names (by alias) of the model found at ``loc`` under ``model``, for suggestions."""
    current: Any = model
    for part in loc:
        current = _descend(current, part)
    current = _strip_optional(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def describe_errors(
    exc: ValidationError, model: type[BaseModel], source: ConfigSource, prefix: Loc = ()
) -> list[ConfigurationError]:
    """One ``ConfigurationError`` per pydantic error, with hints and without input values."""
    errors: list[ConfigurationError] = []
    for err in exc.errors(include_url=False, include_input=True):
        loc: Loc = tuple(err["loc"])
        kind = err["type"]
        value = err.get("input")
        if kind == "extra_forbidden":
            unknown = str(loc[-1])
            options = _fields_at(model, loc[:-1])
            close = difflib.get_close_matches(unknown, options, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            allowed = f" (allowed: {', '.join(options)})" if options else ""
            message = f"unknown key '{unknown}'{hint}{allowed if not close else ''}"
        elif kind == "string_type" and isinstance(value, bool):
            message = (
                "YAML read this value as a boolean (unquoted ON/OFF/YES/NO/true/false are booleans); "
                'quote it, e.g. "ON"'
            )
        elif kind == "string_type" and isinstance(value, int | float):
            message = 'YAML read this value as a number; quote it, e.g. "0700"'
        elif kind == "missing":
            message = "required key is missing"
        else:
            message = err["msg"].removeprefix("Value error, ")
        errors.append(source.error(message, prefix + loc))
    return errors


def _raise_first(errors: list[ConfigurationError]) -> None:
    if not errors:
        return
    first = errors[0]
    if len(errors) > 1:
        more = "; ".join(str(e) for e in errors[1:4])
        first = ConfigurationError(
            f"{first.message} (and {len(errors) - 1} more: {more})",
            key_path=first.key_path,
            file=first.file,
            line=first.line,
        )
        first.all_errors = errors  # type: ignore[attr-defined]
    raise first


# --- loading ----------------------------------------------------------------------------------


def load_config_text(
    text: str, path: Path | None = None, env: Mapping[str, str] | None = None
) -> LoadedConfig:
    """Parse and validate config text.

    Raises:
        ConfigurationError: anything wrong with it, with key path and file:line.
    """
    data, source = parse_yaml(text, path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigurationError(
            f"the top level must be a mapping of sections (app, plugins, ...), not a {type(data).__name__}",
            file=str(path) if path else None,
            line=1,
        )
    data = interpolate(data, os.environ if env is None else env, source)
    try:
        config = NaetraConfig.model_validate(data)
    except ValidationError as exc:
        _raise_first(describe_errors(exc, NaetraConfig, source))
        raise  # unreachable: describe_errors always yields at least one
    return LoadedConfig(config=config, source=source)


def load_config(path: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> LoadedConfig:
    """Read and validate a config file.

    Raises:
        ConfigurationError: missing/unreadable file or invalid content.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(f"config file not found: {file}") from None
    except IsADirectoryError:
        raise ConfigurationError(f"config path is a directory, not a file: {file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read config file {file}: {exc.__class__.__name__}") from None
    return load_config_text(text, file, env)


def validate_plugin_config(
    model: type[BaseModel], raw: dict[str, Any], source: ConfigSource, loc: Loc
) -> BaseModel:
    """Validate one plugin's ``config:`` mapping against its declared model.

    Raises:
        ConfigurationError: wrong type, unknown key (with "did you mean"), missing key.
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        _raise_first(describe_errors(exc, model, source, prefix=loc))
        raise
