"""Where naetra-tui keeps its files (platformdirs; honours XDG_* variables on Linux)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platformdirs import PlatformDirs

APP_NAME = "naetra-tui"


def _dirs() -> PlatformDirs:  # imported lazily: platformdirs is not needed for `--version`
    import platformdirs

    return platformdirs.PlatformDirs(APP_NAME, appauthor=False)


def user_config_dir() -> Path:
    return Path(_dirs().user_config_dir)


def user_data_dir() -> Path:
    return Path(_dirs().user_data_dir)


def user_cache_dir() -> Path:
    return Path(_dirs().user_cache_dir)


def user_log_dir() -> Path:
    return Path(_dirs().user_log_dir)


def user_state_dir() -> Path:
    return Path(_dirs().user_state_dir)


def shipped_config_path() -> Path:
    """The default config inside the package (used when the user has none)."""
    return Path(__file__).resolve().parents[1] / "default_config.yaml"
