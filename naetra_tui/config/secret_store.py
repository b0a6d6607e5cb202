"""Secrets typed into the app or `naetra-tui plugin set` are kept out of the config file.

They go to ``secrets.json`` in the user config directory, readable by the user only (0600,
written atomically); the config gets a ``${NAETRA_SECRET_...}`` reference, which the loader
resolves from the environment first and then from this file. (The OS keyring is not used yet:
this file is the store on every system.)
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ..core.errors import ConfigurationError
from ..core.paths import user_config_dir

PREFIX = "NAETRA_SECRET_"


def store_path() -> Path:
    return user_config_dir() / "secrets.json"


def reference_for(category: str, name: str, key: str) -> str:
    """The variable name a secret is kept under: ``NAETRA_SECRET_DATA_COLLECTORS_AV_API_KEY``."""
    return PREFIX + re.sub(r"[^A-Z0-9]+", "_", f"{category}_{name}_{key}".upper()).strip("_")


def stored() -> dict[str, str]:
    """The kept secrets (empty when there is no store). A store others can read is refused."""
    path = store_path()
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        return {}
    if mode & 0o077:
        raise ConfigurationError(f"{path} is readable by other users (mode {mode:o}): run chmod 600 {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read the secret store {path}: {exc.__class__.__name__}") from None
    return (
        {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(data, dict)
        else {}
    )


def keep(reference: str, value: str) -> Path:
    """Save one secret (atomic, 0600). Returns the store's path."""
    path = store_path()
    secrets = stored()
    secrets[reference] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".secrets.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(secrets, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    return path
