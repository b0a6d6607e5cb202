"""Built-in data collectors plugins (``naetra_tui.builtin.data_collectors``)."""
