"""naetra-tui: a terminal market workstation with plugins."""

__version__ = "0.1.0"
