"""The one place the process is set up: nothing of this happens at import time anywhere.

``bootstrap_process()`` runs for every command: the guide-style ``core`` alias (so a plugin
written as the guide shows imports ``naetra_tui.core``). ``bootstrap_app()`` runs before the
Textual app starts: the guarded Textual speedups of ``naetra_tui.ui.perf``. Logging and metrics
are set up by ``main.load()`` once the config says where and at what level; the garbage
collector's policy (freeze the start-up heap, full collections when idle) is applied by the app
at the moments it names, and headless commands, being short-lived, leave it as Python's default.
"""

from __future__ import annotations


def bootstrap_process() -> None:
    from ..plugin_host.discovery import install_guide_alias

    install_guide_alias()


def bootstrap_app() -> None:
    from ..ui.perf import install_speedups

    install_speedups()
