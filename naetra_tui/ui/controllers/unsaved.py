"""Changes the storage refused: say they are kept, say when they land (and which ones another
terminal's edit won over), and do not quit silently while some wait.

The keeping and retrying is ``services.pending.PendingWrites``; this only tells the user."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from ...services.session import Phase
from .. import messages
from .base import Controller

if TYPE_CHECKING:
    from ...services.pending import PendingWrites

#: Seconds the first ``q`` waits for kept changes to land before it warns instead of quitting.
QUIT_FLUSH_WAIT = 2.0


def _record_name(key: str) -> str:
    """``wl/Default/sym/AAPL`` -> ``AAPL in Default``: the user's words for a record."""
    parts = key.split("/")
    if parts[0] == "wl" and len(parts) == 4:
        return f"{parts[3]} in {parts[1]}"
    if parts[0] == "settings" and len(parts) == 2:
        return f"the setting {parts[1]}"
    return key


class UnsavedController(Controller):
    """Tells the user about kept changes; decides whether ``q`` quits."""

    _unsaved_before = 0
    _quit_warned = False

    def _pending(self) -> PendingWrites | None:
        session = self.app.session
        if session is None or not session.has(Phase.STORAGE):
            return None
        return session.storage.pending

    def watch(self) -> None:
        """Call once storage is open: kept changes (this run's and the last's) are reported."""
        pending = self._pending()
        if pending is None:
            return
        pending.on_change = self._changed
        if pending.unsaved:
            self.app.notify(
                f"{pending.unsaved} changes from the last run were not saved yet; saving them now.",
                severity="warning",
                markup=False,
                timeout=8,
            )
            self._unsaved_before = pending.unsaved

    def unwatch(self) -> None:
        pending = self._pending()
        if pending is not None:
            pending.on_change = None  # the screen is gone: nothing to tell

    def _changed(self) -> None:
        pending = self._pending()
        assert pending is not None
        storage_name = self.app.opened_session().storage.name
        if pending.unsaved and not self._unsaved_before:
            kept = (
                f"kept in memory only (the journal could not be written: {pending.journal_problem})"
                if pending.journal_problem
                else "kept"
            )
            self.app.notify(
                f"Not saved yet: {pending.reason}. Your change is {kept} and will be saved "
                "as soon as the storage answers.",
                severity="warning",
                markup=False,
                timeout=10,
            )
        landed, conflicts = pending.take_landed()
        if landed and not pending.unsaved:
            self.app.notify(
                f"Saved {landed} kept change{'s' if landed != 1 else ''} to {storage_name}.",
                markup=False,
                timeout=5,
            )
        if conflicts:
            names = ", ".join(_record_name(k) for k in conflicts[:5])
            more = f" and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
            self.app.notify(
                f"Changed in another terminal meanwhile, so their version was kept: {names}{more}.",
                severity="warning",
                markup=False,
                timeout=15,
            )
        if landed or conflicts:
            self.app.post_message(messages.StorageCaughtUp())
        self._unsaved_before = pending.unsaved
        self._quit_warned = self._quit_warned and bool(pending.unsaved)
        self.app.show_status()

    async def quit(self) -> None:
        """Quit, unless kept changes wait: then wait a moment for them, and warn once."""
        pending = self._pending()
        if pending is None or not pending.unsaved:
            self.app.exit()
            return
        if not self._quit_warned:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pending.flush(), QUIT_FLUSH_WAIT)
            if not pending.unsaved:
                self.app.exit()
                return
            self._quit_warned = True
            self.app.notify(
                f"{pending.describe()}. {self._kept_where(pending)} Press q again to quit.",
                severity="warning",
                markup=False,
                timeout=20,
            )
            return
        self.app.exit_notes.append(f"{pending.describe()}. {self._kept_where(pending)}")
        self.app.exit()

    @staticmethod
    def _kept_where(pending: PendingWrites) -> str:
        if pending.journal is None or pending.journal_problem:
            return f"They could not be kept on disk ({pending.journal_problem}): quitting loses them."
        return f"They are kept in {pending.journal} and will be saved at the next start."
