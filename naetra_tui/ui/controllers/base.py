"""What every controller shares: the App it serves and a way to run its work there."""

from __future__ import annotations

import functools
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ...core.errors import NaetraError

if TYPE_CHECKING:
    from ..app import NaetraApp

T = TypeVar("T")


class Controller:
    """One job of the App's; its workers run on the App (see ``ui/worker_errors.py``)."""

    def __init__(self, app: NaetraApp) -> None:
        self.app = app

    def run(
        self, group: str, work: Callable[..., Awaitable[Any]], *args: Any, exclusive: bool = False
    ) -> None:
        """Run ``work(*args)`` as an App worker of ``group``; a failure is reported, never
        silent. ``exclusive``: the group's running worker is cancelled first."""
        # a callable, not a coroutine: one cancelled before it starts leaves nothing un-awaited
        call = functools.partial(work, *args)
        self.app.run_worker(call, group=group, exclusive=exclusive, exit_on_error=False)

    async def attempt(self, change: Awaitable[T], what: str) -> T | None:
        """Await one change; a refusal is said in a notification (never swallowed): None then."""
        try:
            return await change
        except NaetraError as exc:
            self.app.notify(f"{what}: {exc}", severity="error", markup=False, timeout=10)
            return None

    async def succeeded(self, change: Awaitable[object], what: str) -> bool:
        """Await one change that returns nothing; False after saying why it was refused."""
        try:
            await change
        except NaetraError as exc:
            self.app.notify(f"{what}: {exc}", severity="error", markup=False, timeout=10)
            return False
        return True


def is_open(screen: object, module: str, class_name: str) -> bool:
    """Is ``screen`` a ``ui.screens.<module>.<class_name>``, without importing that module
    (the symbol view's chart and chat widgets cost ~60 ms at start-up): a screen whose module
    is not loaded yet cannot be open."""
    loaded = sys.modules.get(f"naetra_tui.ui.screens.{module}")
    return loaded is not None and isinstance(screen, getattr(loaded, class_name))
