"""Loading a config file or text into a validated ``LoadedConfig``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..core.errors import ConfigurationError
from .errors import _raise_first, describe_errors
from .schema import NaetraConfig
from .source import ConfigSource, LoadedConfig, Loc, interpolate, parse_yaml

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
