"""naetra-tui: a terminal market workstation with plugins.

``from naetra_tui import PluginManager`` gives the module development guide's plugin manager
(imported on first use, so ``naetra-tui --version`` stays instant).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plugin_host.manager import PluginManager

__version__ = "0.1.0"
__all__ = ["PluginManager", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "PluginManager":
        from .plugin_host.manager import PluginManager

        return PluginManager
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
