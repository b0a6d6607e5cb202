"""Textual's Strip makes its seven caches when first used, not when made.

Every painted line passes through several new ``Strip`` objects (the widget's line, its
styled copy, the filtered copy, the pieces the compositor cuts it into), and each new Strip
made seven empty ``FIFOCache`` objects, most never used: ~12% of a full repaint of the chat
or of a 500-row watchlist update went to making them (and to the garbage collections all
those objects set off). Textual's own ``Content`` already makes its cache lazily; this does
the same for Strip: its constructor leaves the caches at None and each method that uses one
makes it first.

Installed once, by ``install()``; if Textual's Strip no longer has the slots this expects,
nothing is changed (tests/unit/test_lazy_strip_caches.py checks both).

Delete when: a Textual whose Strip makes its caches lazily (as Content already does); or when ``NAETRA_SPEEDUPS=0 python benchmarks/ui.py --only update``
meets the 500-row update within 16 ms without it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from rich.segment import Segment
from textual.cache import FIFOCache
from textual.strip import Strip

#: The Strip method that uses each cache.
CACHE_USERS = {
    "adjust_cell_length": "_line_length_cache",
    "apply_filter": "_filter_cache",
    "crop_extend": "_crop_extend_cache",
    "crop": "_crop_cache",
    "divide": "_divide_cache",
    "apply_style": "_style_cache",
    "apply_offsets": "_offsets_cache",
}
OTHER_SLOTS = {"_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count"}

_installed = False


def _with_cache(method: Callable[..., Any], slot: str, size: int) -> Callable[..., Any]:
    cache_of = Strip.__dict__[slot]  # the slot's descriptor: faster than getattr by name

    @functools.wraps(method)
    def making_cache_first(self: Strip, *args: Any, **kwargs: Any) -> Any:
        if cache_of.__get__(self) is None:
            cache_of.__set__(self, FIFOCache(size))
        return method(self, *args, **kwargs)

    return making_cache_first


def _lean_init(self: Strip, segments: Iterable[Segment], cell_length: int | None = None) -> None:
    self._segments = list(segments)
    self._cell_length = cell_length
    self._divide_cache = None  # type: ignore[assignment]
    self._crop_cache = None  # type: ignore[assignment]
    self._style_cache = None  # type: ignore[assignment]
    self._filter_cache = None  # type: ignore[assignment]
    self._line_length_cache = None  # type: ignore[assignment]
    self._crop_extend_cache = None  # type: ignore[assignment]
    self._offsets_cache = None  # type: ignore[assignment]
    self._render_cache = None
    self._link_ids = None
    self._cell_count = None


def compatible() -> bool:
    """Strip has exactly the slots this module knows, and every cache user is a method."""
    slots = set(getattr(Strip, "__slots__", ()))
    users_present = all(callable(Strip.__dict__.get(name)) for name in CACHE_USERS)
    return users_present and slots == set(CACHE_USERS.values()) | OTHER_SLOTS


def install() -> bool:
    """Make Strip's caches lazily (once per process). False if Textual's Strip has changed."""
    global _installed
    if _installed:
        return True
    if not compatible():
        return False
    probe = Strip([])  # the sizes Textual gives each cache
    sizes = {slot: getattr(probe, slot)._maxsize for slot in CACHE_USERS.values()}
    for name, slot in CACHE_USERS.items():
        setattr(Strip, name, _with_cache(Strip.__dict__[name], slot, sizes[slot]))
    Strip.__init__ = _lean_init  # type: ignore[method-assign]
    _installed = True
    return True
