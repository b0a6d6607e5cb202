"""Renaming and deleting watchlists from the main screen (``R``, ``D``, the palette): asked in a
dialog, done by the Session's watchlist editor, then the app shows the list that is current
(``SwitchWatchlist``). A deleted list comes back with ``u``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.errors import NaetraError
from .. import messages
from .dialogs import PickDialog, PromptDialog

if TYPE_CHECKING:
    from textual.screen import Screen

    from ...services.watchlists import WatchlistEditor


def _editor(screen: Screen[None]) -> WatchlistEditor | None:
    session = getattr(screen.app, "session", None)
    try:
        return session.watchlists if session is not None else None
    except Exception:  # still starting
        return None


def rename_list(screen: Screen[None], name: str, existing: list[str]) -> None:
    """Ask for the new name of the list ``name``, then rename it."""
    from ...services.watchlists import list_name_problem

    editor = _editor(screen)
    if editor is None:
        screen.notify("Still starting: try again in a moment.", markup=False, timeout=3)
        return
    others = [n for n in existing if n != name]

    async def rename(new: str) -> None:
        try:
            done = await editor.rename(name, new)
        except NaetraError as exc:
            screen.notify(f"Not renamed: {exc}", severity="error", markup=False, timeout=8)
            return
        screen.notify(f"Renamed the list {name} to {done}", markup=False, timeout=4)
        screen.app.post_message(messages.SwitchWatchlist(done))

    def answered(new: str | None) -> None:
        if new and new.strip() != name:
            screen.run_worker(rename(new), group="list-edit", exit_on_error=False)

    dialog = PromptDialog(
        f"New name of the watchlist {name}", name, lambda text: list_name_problem(text, others)
    )
    screen.app.push_screen(dialog, answered)


def delete_list(screen: Screen[None], name: str, count: int) -> None:
    """Ask first, then delete the list ``name`` (u brings it back)."""
    editor = _editor(screen)
    if editor is None:
        screen.notify("Still starting: try again in a moment.", markup=False, timeout=3)
        return

    async def delete() -> None:
        try:
            shown = await editor.delete(name)
        except NaetraError as exc:
            screen.notify(f"Not deleted: {exc}", severity="error", markup=False, timeout=8)
            return
        screen.notify(f"Deleted the list {name} (u brings it back)", markup=False, timeout=6)
        screen.app.post_message(messages.SwitchWatchlist(shown))

    def answered(choice: str | None) -> None:
        if choice == "delete":
            screen.run_worker(delete(), group="list-edit", exit_on_error=False)

    symbols = f"{count} symbol{'s' if count != 1 else ''}"
    options = [("keep", "No, keep it"), ("delete", f"Yes, delete {name} and its {symbols} (u undoes)")]
    screen.app.push_screen(PickDialog(f"Delete the watchlist {name}?", options, "keep"), answered)
