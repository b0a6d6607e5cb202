"""Run the app in the terminal, and say afterwards what the screen could not (unsaved changes)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from .app import NaetraApp

if TYPE_CHECKING:
    from ..config import LoadedConfig
    from .snapshot import Snapshot


def run_app(loaded: LoadedConfig) -> int:
    app = NaetraApp(loaded)
    app.run()
    _say_exit_notes(app)
    return int(app.return_code or 0)


def run_app_from_snapshot(
    snapshot: Snapshot, load: Callable[[], LoadedConfig]
) -> tuple[int, Exception | None]:
    """Paint ``snapshot`` first and load the config after; the exit code and, if the config
    could not be loaded, why."""
    app = NaetraApp(load=load, snapshot=snapshot)
    app.run()
    _say_exit_notes(app)
    return int(app.return_code or 0), app.startup_error


def _say_exit_notes(app: NaetraApp) -> None:
    from ..core.text import clean_line

    for note in app.exit_notes:
        print(f"naetra-tui: {clean_line(note)}", file=sys.stderr)
