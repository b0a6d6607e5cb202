"""Built-in llm plugins (``naetra_tui.builtin.llm``)."""
