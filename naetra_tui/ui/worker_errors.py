"""One route for every worker's failure: the log (with the traceback), a notification with the
reason, and — for start-up — a status line that says start-up failed instead of "starting…".

Workers run with ``exit_on_error=False`` so one failure never takes the app down; Textual then
only posts ``Worker.StateChanged`` to the worker's own node (it does not bubble). The App and
every screen or widget that runs workers mix ``ReportsWorkerErrors`` in, and widgets hand their
failures to the App as a ``WorkerFailed`` message.
"""

from __future__ import annotations

import logging

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


class ReportsWorkerErrors:
    """Mixin for a Widget, Screen or the App: a failed worker is reported, never silent."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        group = event.worker.group or event.worker.name or "work"
        error = event.worker.error
        log.error("worker %s failed", group, exc_info=(type(error), error, error.__traceback__))
        app = getattr(self, "app", None)
        if app is None or app is self:
            self.worker_failed(group, error)  # type: ignore[attr-defined]
        else:
            app.post_message(WorkerFailed(group, error))


class AppReportsWorkerErrors(ReportsWorkerErrors):
    """The App's side: its own workers' failures and those its widgets hand it."""

    def on_worker_failed(self, message: WorkerFailed) -> None:
        self.worker_failed(message.group, message.error)

    def worker_failed(self, group: str, error: BaseException) -> None:
        """Say that background work failed and why."""
        app = self  # mixed into NaetraApp
        what = WHAT.get(group, "Background work")
        app.notify(f"{what} failed: {reason_of(error)}", severity="error", markup=False, timeout=20)  # type: ignore[attr-defined]
        main = getattr(app, "_main_screen", None)
        if group == "start" and main is not None and main.is_mounted:
            # not "starting…" for ever: the screen says it stopped, and where to look
            main.show_status([(f"start-up failed: {reason_of(error)} (details in the log)", "bold red")])
