"""A layout's map of every widget is used as it was made, not made a second time.

When a layout follows a mount (each new block of a streaming answer), Textual's compositor
marks its map of all widgets out of date, then the layout arranges the whole screen and keeps
the result as that map, but leaves the mark. The first widget given its new size then asks
for its region (``Widget._set_dirty`` -> ``size``), finds the mark, and the whole screen is
arranged again with the same root and size: a second full arrange in every such layout, a
sixth of the app's work while a long list streamed (565 widgets, 13-56 ms a layout).

``install()`` clears the mark when ``Compositor.reflow`` has stored the map it just built.
If the compositor no longer has the attributes this expects, nothing is changed.

Delete when: a Textual whose compositor reuses the full map it made for the layout after a mount; or when ``NAETRA_SPEEDUPS=0 python benchmarks/ui.py --only chat``
meets the chat-stream stall within 20 ms without it.
"""

from __future__ import annotations

import functools
from typing import Any

from textual._compositor import Compositor

from .guard import internals_present

_installed = False


def compatible() -> bool:
    """The compositor still keeps its full map and its out-of-date mark under these names."""
    probe = Compositor()
    needed: list[tuple[object, str]] = [
        (Compositor, "reflow"),
        (Compositor, "full_map"),
        (Compositor, "_arrange_root"),
    ]
    needed += [(probe, "_full_map"), (probe, "_full_map_invalidated")]
    return internals_present("fresh_full_map", needed)


def install() -> bool:
    """Once per process; False (and Textual unchanged) if its compositor differs."""
    global _installed
    if _installed:
        return True
    if not compatible():
        return False
    reflow = Compositor.reflow

    @functools.wraps(reflow)
    def reflow_keeping_its_map(self: Compositor, parent: Any, size: Any) -> Any:
        result = reflow(self, parent, size)
        # reflow arranged the whole screen (visible_only=False) with the root and size that
        # full_map would arrange it with, and stored the result as _full_map
        self._full_map_invalidated = False
        return result

    Compositor.reflow = reflow_keeping_its_map  # type: ignore[method-assign]
    _installed = True
    return True
