"""The ``naetra-tui`` command: argument parsing, subcommands, exit codes and the bootstrap.

The top layer: it may import every other layer; nothing imports it. ``main`` is the console
script's entry point.
"""

from .main import main
from .runner import EXIT_CONFIG, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, run_async

__all__ = ["EXIT_CONFIG", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "main", "run_async"]
