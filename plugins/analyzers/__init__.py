"""Built-in analyzers plugins (``naetra_tui.builtin.analyzers``)."""
