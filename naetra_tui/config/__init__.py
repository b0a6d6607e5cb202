"""``config.yaml``: loading, ``${ENV}`` interpolation, validation and clear errors.

The file follows the module development guide's format::

    plugins:
      <category>:                 # data_collectors | analyzers | llm | storage | any name
        - name: yahoo_finance
          class: naetra_tui.builtin.data_collectors.yahoo_finance.YahooFinanceCollector   # or
          plugin: yahoo_finance   # a name registered under the entry-point group naetra.<category>
          enabled: true
          config: {...}           # validated against the plugin's own config_model

plus the app's own sections ``app``, ``logging`` and ``metrics``. Every error names the key path
and ``file:line``; unknown keys get a "did you mean"; values never appear in messages (they may
be secrets). YAML is read with ``safe_load`` semantics and aliases are bounded (no alias bombs).

Modules, one job each: ``schema`` (the models), ``source`` (YAML with file:line, ``${ENV}``),
``errors`` (messages), ``loading`` (file -> ``LoadedConfig``), ``discovery`` (which file; light,
so the first paint can find the file without importing pydantic). Names are re-exported here
lazily for the same reason.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loading import load_config, load_config_text, validate_plugin_config
    from .location import discover_config_path
    from .schema import (
        CATEGORY_NAMES,
        DEFAULT_WATCHLIST,
        AppSettings,
        NaetraConfig,
        PluginEntry,
        PluginsConfig,
    )
    from .source import ConfigSource, LoadedConfig, format_loc
    from .validation_messages import describe_errors

_EXPORTS = {
    "discover_config_path": "location",
    "describe_errors": "validation_messages",
    "load_config": "loading",
    "load_config_text": "loading",
    "validate_plugin_config": "loading",
    "CATEGORY_NAMES": "schema",
    "DEFAULT_WATCHLIST": "schema",
    "NaetraConfig": "schema",
    "PluginEntry": "schema",
    "PluginsConfig": "schema",
    "AppSettings": "schema",
    "ConfigSource": "source",
    "LoadedConfig": "source",
    "format_loc": "source",
}

__all__ = [
    "CATEGORY_NAMES",
    "DEFAULT_WATCHLIST",
    "AppSettings",
    "ConfigSource",
    "LoadedConfig",
    "NaetraConfig",
    "PluginEntry",
    "PluginsConfig",
    "describe_errors",
    "discover_config_path",
    "format_loc",
    "load_config",
    "load_config_text",
    "validate_plugin_config",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
