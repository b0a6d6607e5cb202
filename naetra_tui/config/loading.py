"""Loading a config file or text into a validated ``LoadedConfig``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..core.errors import ConfigurationError
from .schema import NaetraConfig
from .source import ConfigSource, LoadedConfig, Loc, interpolate, parse_yaml
from .validation_messages import _raise_first, describe_errors

#: A real config is a few KB; anything this big is the wrong file (and would take seconds to parse).
MAX_CONFIG_BYTES = 1_000_000

# --- loading ----------------------------------------------------------------------------------


def _environment() -> Mapping[str, str]:
    """``${VAR}`` is read from the environment, then from the kept secrets (secret_store.py)."""
    from collections import ChainMap

    from .secret_store import KeptSecrets

    return ChainMap(os.environ, KeptSecrets())  # type: ignore[arg-type]


def load_config_text(
    text: str, path: Path | None = None, env: Mapping[str, str] | None = None
) -> LoadedConfig:
    """Parse and validate config text.

    Raises:
        ConfigurationError: anything wrong with it, with key path and file:line (a text over
            ``MAX_CONFIG_BYTES`` too: the writer checks an edit with this before saving it, so
            it never writes a config the next start would refuse).
    """
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_CONFIG_BYTES:
        raise ConfigurationError(
            f"the config would be {size / 1e6:.1f} MB; a config is a few KB "
            f"(the limit is {MAX_CONFIG_BYTES // 1_000_000} MB)",
            file=str(path) if path else None,
        )
    data, source = parse_yaml(text, path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigurationError(
            f"the top level must be a mapping of sections (app, plugins, ...), not a {type(data).__name__}",
            file=str(path) if path else None,
            line=1,
        )
    data = interpolate(data, _environment() if env is None else env, source)
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
        size = file.stat().st_size if file.is_file() else 0
        if size > MAX_CONFIG_BYTES:
            raise ConfigurationError(
                f"config file {file} is {size / 1e6:.1f} MB; a config is a few KB "
                f"(the limit is {MAX_CONFIG_BYTES // 1_000_000} MB): is this the right file?"
            )
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(f"config file not found: {file}") from None
    except IsADirectoryError:
        raise ConfigurationError(f"config path is a directory, not a file: {file}") from None
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            f"config file {file} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None
    except OSError as exc:
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
