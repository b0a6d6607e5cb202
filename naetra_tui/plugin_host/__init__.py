"""The plugin host: loading (entry points, class paths, the user's plugins folder), signature
checks, the manager's lifecycle and health, records, reload and remembered toggles.

Layer: front ends -> services -> plugin_host -> config -> core. Plugins never import it.
"""
