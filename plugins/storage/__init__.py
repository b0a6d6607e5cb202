"""Built-in storage plugins (``naetra_tui.builtin.storage``)."""
