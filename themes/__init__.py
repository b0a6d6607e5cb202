"""Shipped themes (YAML files). A user's own theme files go in ~/.config/naetra-tui/themes/."""
