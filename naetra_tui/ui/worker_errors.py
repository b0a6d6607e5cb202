"""One route for every worker's failure: the log (with the traceback), a notification with the
reason, and — for start-up — a status line that says start-up failed instead of "starting…".

Workers run with ``exit_on_error=False`` so one failure never takes the app down; Textual then
only posts ``Worker.StateChanged`` to the worker's own node (it does not bubble). Every
screen or widget that runs workers mixes ``ReportsWorkerErrors`` in, which hands the
failure to the App as a ``WorkerFailed`` message; the App reports its own and those.
"""

from __future__ import annotations

import logging
from typing import Any

from textual.app import App
from textual.message import Message
from textual.worker import Worker, WorkerState

from ..core.errors import NaetraError
from ..core.secrets import redact
from ..core.text import clean_line

log = logging.getLogger(__name__)

#: What each worker group does, for the message ("Refreshing prices failed: ...").
WHAT = {
    "start": "Start-up",
    "refresh": "Refreshing prices",
    "edit": "Saving your change",
    "alerts": "Checking alerts",
    "plugins": "Switching the plugin",
    "health": "The health check",
    "settings": "Saving the setting",
    "snapshot": "Saving the start-up snapshot",
    "sparks": "Loading sparklines",
    "streams": "The live stream",
    "chart": "Loading the chart",
    "analysis": "The analysis",
    "chat": "The chat",
    "chat-history": "Loading the conversation",
    "chat-models": "Listing the models",
    "proposals": "Reading the proposals",
    "proposals-decide": "Applying the proposal",
    "list-edit": "Changing the watchlist",
    "research": "Loading news and events",
    "options": "Loading the option chain",
}


class WorkerFailed(Message):
    """A worker of a screen or widget failed; the App reports it."""

    def __init__(self, group: str, error: BaseException) -> None:
        super().__init__()
        self.group = group
        self.error = error


def reason_of(error: BaseException) -> str:
    """One clean line: our errors say what to do; anything else names its type."""
    text = str(error) if isinstance(error, NaetraError) else f"{type(error).__name__}: {error}"
    return clean_line(redact(text))[:300]


def failure_of(event: Worker.StateChanged) -> tuple[str, BaseException] | None:
    """The worker's group and error if it failed (logged with its traceback), else None."""
    if event.state is not WorkerState.ERROR or event.worker.error is None:
        return None
    group = event.worker.group or event.worker.name or "work"
    error = event.worker.error
    log.error("worker %s failed", group, exc_info=(type(error), error, error.__traceback__))
    return group, error


class ReportsWorkerErrors:
    """Mixin for a Widget or Screen: a failed worker is handed to the App, never silent."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        failed = failure_of(event)
        if failed is not None:
            self.app.post_message(WorkerFailed(*failed))  # type: ignore[attr-defined]


def report_failure(app: App[Any], group: str, error: BaseException) -> None:
    """Say that background work failed and why; a failed start-up says so in the status line
    instead of "starting…" for ever, and where to look."""
    from .screens.main import MainScreen

    what = WHAT.get(group, "Background work")
    app.notify(f"{what} failed: {reason_of(error)}", severity="error", markup=False, timeout=20)
    main = app.screen_stack[0] if app.screen_stack else None
    if group == "start" and isinstance(main, MainScreen) and main.is_mounted:
        main.show_status([(f"start-up failed: {reason_of(error)} (details in the log)", "bold red")])
