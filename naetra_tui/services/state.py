"""App state kept in storage. (Storage-backed state lands with the storage issue.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.toggles import JsonToggleStore, ToggleStore

if TYPE_CHECKING:
    from ..config import LoadedConfig
    from ..core.plugin_manager import PluginManager


def toggle_store_for(loaded: LoadedConfig) -> ToggleStore:
    from ..paths import user_state_dir

    return JsonToggleStore(user_state_dir() / "plugin-toggles.json")


async def describe_storage_choice(loaded: LoadedConfig, manager: PluginManager) -> str:
    return ""
