"""Editing the user's watchlists: add, remove with undo, move, switch, create, rename, delete
(with undo).

No Textual here: the UI asks, this changes storage and says what happened; the list on screen
is re-read from storage after each edit (another terminal may edit it too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.symbols import normalize_symbol

if TYPE_CHECKING:  # state imports numpy and pydantic: not before the app's first frame
    from .state import AppState


#: In the undo stack, the "symbol" of a whole deleted list (no symbol is empty).
WHOLE_LIST = ""


@dataclass
class WatchlistEditor:
    """Edits on one AppState, with an undo stack for removals."""

    state: AppState
    active: str = "Default"
    undo_stack: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def add(self, text: str) -> str:
        """Append a symbol to the active list. Returns it normalised.

        Raises: InvalidSymbol, StorageError.
        """
        return await self.state.add_symbol(self.active, text)

    async def remove(self, symbol: str) -> bool:
        """Remove a symbol from the active list; ``undo`` brings it back. Returns whether it was there."""
        record = await self.state.remove_symbol(self.active, symbol)
        if record is not None:
            self.undo_stack.append((self.active, symbol, record))
        return record is not None

    async def undo(self) -> str | None:
        """Put back the last removed symbol (in its list and place) or deleted list; returns
        what came back ("AAPL", "the list Tech"); None if nothing to undo."""
        if not self.undo_stack:
            return None
        name, symbol, record = self.undo_stack[-1]
        if symbol == WHOLE_LIST:
            await self.state.restore_records(record)
        else:
            await self.state.restore_symbol(name, symbol, record)
        self.undo_stack.pop()  # only once it is back: a failed undo can be tried again
        return f"the list {name}" if symbol == WHOLE_LIST else symbol

    async def move(self, symbol: str, offset: int) -> None:
        await self.state.move_symbol(self.active, symbol, offset)

    async def switch(self, name: str) -> None:
        """Make ``name`` the active list (remembered for the next start)."""
        await self.state.set_setting("active_watchlist", name)
        self.active = name

    async def rename(self, old: str, new: str) -> str:
        """Raises: InvalidName (no such list, bad or taken new name), StorageError."""
        from .state import InvalidName, check_list_name

        names = await self.state.watchlist_names()
        if old not in names:
            raise InvalidName(f"no watchlist named '{old[:40]}' (there are: {', '.join(names)})")
        new = check_list_name(new)
        if new == old:
            return new
        if new in names:
            raise InvalidName(f"a watchlist named '{new}' exists")
        await self.state.rename_watchlist(old, new)
        self.undo_stack = [(new if n == old else n, s, r) for n, s, r in self.undo_stack]
        if self.active == old:
            self.active = new
        return new

    async def delete(self, name: str) -> str:
        """Delete a list (``undo`` brings it back); returns the list shown now if it was the
        active one. Raises: InvalidName (no such list, or the only one), StorageError."""
        from .state import InvalidName

        names = await self.state.watchlist_names()
        if name not in names:
            raise InvalidName(f"no watchlist named '{name[:40]}' (there are: {', '.join(names)})")
        if len(names) == 1:
            raise InvalidName(f"'{name}' is the only watchlist: create another one first")
        records = await self.state.delete_watchlist(name)
        self.undo_stack.append((name, WHOLE_LIST, records))
        if self.active == name:
            await self.switch(next(n for n in names if n != name))
        return self.active

    async def create(self, name: str) -> str:
        """Raises: InvalidName (bad or taken name), StorageError."""
        from .state import InvalidName, check_list_name

        name = check_list_name(name)
        if name in await self.state.watchlist_names():
            raise InvalidName("a watchlist with that name exists")
        await self.state.create_watchlist(name, [])
        return name


def split_symbols(text: str, on_list: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Several symbols as typed (``AMD, INTC TSLA``): the ones that can be added (normalised,
    each once), and the others with why not."""
    import re

    good: list[str] = []
    bad: list[tuple[str, str]] = []
    for token in (t for t in re.split(r"[\s,;]+", text.strip()) if t):
        problem = symbol_problem(token, on_list + good)
        if problem is None:
            good.append(normalize_symbol(token))
        else:
            bad.append((token[:24], problem))
    return good, bad


def symbols_problem(text: str, on_list: list[str]) -> str | None:
    """Why nothing of ``text`` can be added (None: at least one symbol can)."""
    good, bad = split_symbols(text, on_list)
    if good:
        return None
    if not bad:
        return "type a symbol, or several separated by spaces or commas (AMD, INTC TSLA)"
    return "; ".join(f"{token}: {why}" if why and token.upper() not in why else why for token, why in bad)


def symbol_problem(text: str, on_list: list[str]) -> str | None:
    """Why ``text`` cannot be added to a list holding ``on_list`` (None: it can)."""
    from ..core.errors import InvalidSymbol

    try:
        symbol = normalize_symbol(text)
    except InvalidSymbol as exc:
        return str(exc)
    return f"{symbol} is already on this watchlist" if symbol in on_list else None


def list_name_problem(text: str, existing: list[str]) -> str | None:
    """Why ``text`` cannot name a new watchlist (None: it can)."""
    from .state import InvalidName, check_list_name

    try:
        check_list_name(text)
    except InvalidName as exc:
        return str(exc)
    return "a watchlist with that name exists" if text in existing else None
