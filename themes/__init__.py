"""Shipped themes (YAML files), installed as ``naetra_tui.themes``. A user's own theme files go in
~/.config/naetra-tui/themes/."""
