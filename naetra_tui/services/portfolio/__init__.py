"""The user's positions: lots in storage, valued with quotes and FX rates (see DESIGN.md)."""
