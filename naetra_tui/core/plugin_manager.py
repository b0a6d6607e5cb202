"""The plugin manager's old name, kept working for scripts that import it from here: it lives
in the plugin host layer now (``naetra_tui.plugin_host.manager``)."""

from ..plugin_host.manager import PluginManager as PluginManager
from ..plugin_host.record import PluginRecord as PluginRecord

__all__ = ["PluginManager", "PluginRecord"]
