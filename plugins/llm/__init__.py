"""Built-in naetra-tui plugins. A user's own ``plugins/`` folder next to their config.yaml is
merged into this package's path (see naetra_tui.core.discovery.add_user_plugin_dir)."""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
