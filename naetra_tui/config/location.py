"""Which config file to use (no heavy imports: the app's first paint needs only the path)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..core.errors import ConfigurationError
from ..core.paths import shipped_config_path, user_config_dir


def discover_config_path(
    cli_path: str | None = None, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> tuple[Path, str]:
    """Find the config: ``--config`` > ``$NAETRA_CONFIG`` > ``./config.yaml`` > user config dir
    > the default shipped in the package. Returns the path and how it was found.

    Raises:
        ConfigurationError: an explicitly named file does not exist.
    """
    env = os.environ if env is None else env
    if cli_path:
        path = Path(cli_path).expanduser()
        if not path.is_file():
            raise ConfigurationError(f"config file not found: {path} (given with --config)")
        return path, "--config"
    if env.get("NAETRA_CONFIG"):
        path = Path(env["NAETRA_CONFIG"]).expanduser()
        if not path.is_file():
            raise ConfigurationError(f"config file not found: {path} (from $NAETRA_CONFIG)")
        return path, "$NAETRA_CONFIG"
    local = (cwd or Path.cwd()) / "config.yaml"
    user = user_config_dir() / "config.yaml"
    if local.is_file():
        if user.is_file() and is_shipped_copy(local):  # run from the clone: the user's own wins
            return user, "user config dir (./config.yaml is the unchanged default)"
        return local, "./config.yaml"
    if user.is_file():
        return user, "user config dir"
    return shipped_config_path(), "shipped default"


def is_shipped_copy(path: Path) -> bool:
    """Whether ``path`` is an unchanged copy of the packaged default (the clone's
    ``config.yaml``): edits then go to the user's own config, never into the clone."""
    try:
        return path.read_bytes() == shipped_config_path().read_bytes()
    except OSError:
        return False
