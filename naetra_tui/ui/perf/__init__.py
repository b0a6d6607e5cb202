"""Speedups that rely on Textual's or Rich's internals, kept together and kept honest.

Each one is kept only while a measured target (``benchmarks/ui.py``) needs it, checks that the
internals it expects are there before it changes anything, falls back to Textual's public
behaviour (logged once) when they are not, and has a test holding its output to Textual's own.
Textual is pinned to the exact version these were written against (``pyproject.toml``).

* ``lazy_strip_caches`` - Strip's per-line caches made on first use (500-row update target).
* ``incremental_wrap`` - re-wrap a streamed paragraph from its last line (streaming stall target).
* ``fresh_full_map`` - a layout's map of every widget is not made twice (stall target while a
  long answer streams).
* ``quick_link_pretest`` - a cheaper first look for links in streamed Markdown (same target).
* ``row_table``, ``restyle_changed_lines``, ``streamed_markdown`` - widgets that reuse rendered
  lines between frames; each degrades to its Textual base class's rendering.
* ``streamed_list`` - a streamed write grows the answer's last list in place instead of
  remounting it (CPU while a list streams).
* ``flat_list`` - a finished list is one widget drawing the cells Textual's list widgets draw
  (stall target while a list-heavy answer streams; long conversations).

``NAETRA_SPEEDUPS=0`` turns every one of them off (see ``guard.py``); each module's docstring
says what would let it be deleted.

Nothing here runs at import: the CLI's bootstrap calls :func:`install_speedups` before the app
starts (the tests and benchmarks call it explicitly).
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def install_speedups() -> dict[str, bool]:
    """Install the process-wide speedups; returns which ones took effect (idempotent)."""
    from . import fresh_full_map, incremental_wrap, lazy_strip_caches
    from .guard import speedups_enabled

    if not speedups_enabled():
        log.info("every speedup is off: NAETRA_SPEEDUPS=0")
        return dict.fromkeys(("lazy_strip_caches", "incremental_wrap", "fresh_full_map"), False)
    results = {
        "lazy_strip_caches": lazy_strip_caches.install(),
        "incremental_wrap": incremental_wrap.install(),
        "fresh_full_map": fresh_full_map.install(),
    }
    for name, installed in results.items():
        if not installed:
            log.warning("speedup %s is off: this Textual is not the one it was written for", name)
    return results
