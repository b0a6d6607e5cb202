"""The status line's parts: collectors' states, last refresh, data honesty, storage, alerts.

Plain ``(text, style)`` pairs (style names as Rich understands them); the status bar widget
renders them as ``Text``, so nothing here is ever parsed as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..core.enums import PluginState
from ..core.text import clean

_MARKS = {
    PluginState.READY: ("✓", "green"),
    PluginState.DEGRADED: ("!", "yellow"),
    PluginState.FAILED: ("✗", "red"),
    PluginState.STARTING: ("…", "cyan"),
}


def status_parts(
    *,
    collectors: Iterable[Any],
    market: Any,
    ready: bool,
    shown_rows: list[Any],
    all_rows: Mapping[str, Any],
    storage: Any,
    alerts: tuple[int, int],
    time_text: Any,
    proposals: int = 0,
) -> list[tuple[str, str]]:
    """Args: ``collectors`` the data collectors' plugin records; ``market`` the MarketService
    (or None while starting); ``shown_rows`` the rows of the list on screen; ``alerts``
    (armed, all); ``time_text`` formats a datetime for the user; ``proposals`` how many changes
    AI assistants proposed over MCP wait for the user."""
    parts: list[tuple[str, str]] = []
    if any(r.quote is not None and r.quote.simulated for r in all_rows.values()):
        # first: the one notice that must never be cut off at the right edge of a narrow terminal
        parts.append(("SIMULATED DATA (not real prices)", "bold reverse"))
    if proposals:  # waiting for the user: before the details a narrow terminal cuts off
        parts.append((f"{proposals} proposal{'s' if proposals != 1 else ''} from agents (M)", "bold yellow"))
    for record in collectors:
        if record.state is PluginState.DISABLED:
            continue
        mark, style = _MARKS.get(record.state, ("?", ""))
        status = market.status.get(record.name) if market is not None else None
        if status is not None and status.last_error and record.state is PluginState.READY:
            mark, style = "!", "yellow"  # its last call failed: the next collector filled in
        live = " live" if status is not None and status.streaming else ""
        parts.append((f"{record.name} {mark}{live}", style))
    if market is not None and market.last_refresh:
        parts.append((f"refreshed {time_text(market.last_refresh)}", ""))
    elif not ready:
        parts.append(("starting…", "dim"))
    if shown_rows and all(r.quote is None for r in shown_rows) and shown_rows[0].error:
        # nothing to show: say why in full (the name column only has room for the start)
        why = clean(shown_rows[0].error)
        parts.append((f"no prices: {why[:90]}{'…' if len(why) > 90 else ''} (p: Plugins)", "bold red"))
    if storage is not None:
        if storage.warning:
            parts.append((f"NOT SAVING to {storage.wanted}: using {storage.location}", "bold red"))
        elif storage.pending is not None and (unsaved := storage.pending.describe()):
            parts.append((f"{unsaved[:120]} (retrying)", "bold red"))
        else:
            parts.append((f"saved: {storage.name}", "dim"))
    armed, total = alerts
    if total:
        parts.append((f"alerts {armed}/{total}", ""))
    return parts
