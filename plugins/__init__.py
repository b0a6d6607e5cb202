"""Built-in naetra-tui plugins, installed as ``naetra_tui.builtin``.

A user's own ``plugins/`` folder beside their config.yaml is their own top-level package,
loaded from that folder (see naetra_tui.plugin_host.discovery); nothing of it is merged into this one.
"""
