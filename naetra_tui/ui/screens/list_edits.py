"""Renaming and deleting watchlists from the main screen (``R``, ``D``, the palette): asked in a
dialog here, then asked of the app as a request (``RenameWatchlist``, ``DeleteWatchlist``),
which the watchlist controller carries out and says. A deleted list comes back with ``u``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import messages
from .dialogs import PickDialog, PromptDialog

if TYPE_CHECKING:
    from textual.screen import Screen


def rename_list(screen: Screen[None], name: str, existing: list[str]) -> None:
    """Ask for the new name of the list ``name``, then ask the app to rename it."""
    from ...services.watchlists import list_name_problem

    others = [n for n in existing if n != name]

    def answered(new: str | None) -> None:
        if new and new.strip() != name:
            screen.post_message(messages.RenameWatchlist(name, new))

    dialog = PromptDialog(
        f"New name of the watchlist {name}", name, lambda text: list_name_problem(text, others)
    )
    screen.app.push_screen(dialog, answered)


def delete_list(screen: Screen[None], name: str, count: int) -> None:
    """Ask first, then ask the app to delete the list ``name`` (u brings it back)."""

    def answered(choice: str | None) -> None:
        if choice == "delete":
            screen.post_message(messages.DeleteWatchlist(name))

    symbols = f"{count} symbol{'s' if count != 1 else ''}"
    options = [("keep", "No, keep it"), ("delete", f"Yes, delete {name} and its {symbols} (u undoes)")]
    screen.app.push_screen(PickDialog(f"Delete the watchlist {name}?", options, "keep"), answered)
