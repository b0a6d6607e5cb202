"""Handing a fired alert to its notifiers: all at once, each bounded by its timeout, a failure
retried once (not a ``NotSupported`` one: a desktop with no notification service stays so), and what each did recorded in the event (``delivered``, or why not). One notifier
that hangs or fails never holds up the others, and evaluation is over before delivery starts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ...core.errors import NaetraError, NotSupported
from ...core.interfaces import AlertNotice
from ...core.text import clean_line
from .model import Alert, AlertEvent

log = logging.getLogger(__name__)

RETRY_AFTER = 1.0  # seconds before the one retry of a failed (not timed-out) delivery
LEFT_BEHIND = 1.0  # seconds a notifier that ignores cancellation is waited for after its timeout


def _reason(exc: BaseException) -> str:
    text = clean_line(str(exc)).strip()
    return (text or type(exc).__name__)[:300]


class Deliveries:
    """Args:
    manager: the plugin manager (its loaded ``notifiers``).
    """

    def __init__(self, manager: Any) -> None:
        self.manager = manager
        #: Set by the app: ``present(notice, bell)`` shows a notice on screen.
        self.present: Callable[[AlertNotice, bool], None] | None = None
        self._fallback: Any = None

    async def _notifiers(self) -> dict[str, Any]:
        """The loaded notifiers; with none configured at all (a config from before notifiers),
        the built-in terminal one, so alerts are shown as they always were."""
        if self.manager.records_of("notifiers"):
            return dict(self.manager.active("notifiers"))
        if self._fallback is None:
            from ...plugin_host.discovery import resolve_entry_point

            self._fallback = resolve_entry_point("notifiers", "terminal", "terminal")[0]()
            await self._fallback.initialize({})
        return {"terminal": self._fallback}

    def _timeout(self, name: str, plugin: Any) -> float:
        try:
            entry_timeout = self.manager.record("notifiers", name).entry.timeout
        except (NaetraError, AttributeError, KeyError):
            entry_timeout = None
        return float(entry_timeout or getattr(plugin, "default_timeout", 10.0))

    async def _once(self, plugin: Any, notice: AlertNotice, timeout: float) -> str | None:
        """None when delivered, else why not."""
        task = asyncio.ensure_future(plugin.notify(notice))
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            task.cancel()
            await asyncio.wait({task}, timeout=LEFT_BEHIND)  # one that ignores cancel is left
            return f"timed out after {timeout:g} s"
        exc = task.exception()
        if exc is None:
            return None
        return (
            f"not delivered: {_reason(exc)}" if isinstance(exc, NotSupported) else f"failed: {_reason(exc)}"
        )

    async def _one(self, name: str, plugin: Any, notice: AlertNotice) -> str:
        if getattr(plugin, "presents_in_app", False):
            plugin.present = self.present
        timeout = self._timeout(name, plugin)
        outcome = await self._once(plugin, notice, timeout)
        if outcome is not None and outcome.startswith("failed"):
            await asyncio.sleep(RETRY_AFTER)
            retried = await self._once(plugin, notice, timeout)
            outcome = None if retried is None else f"{retried} (tried twice)"
        if outcome is not None:
            log.warning("notifier %s: %s", name, outcome)
        return outcome or "delivered"

    async def deliver(self, alert: Alert, event: AlertEvent) -> None:
        """Fill ``event.deliveries``: every enabled notifier, or those the alert names."""
        active = await self._notifiers()
        wanted = list(alert.notify) or list(active)
        notice = AlertNotice(
            alert_id=alert.id,
            symbol=event.symbol,
            rule=event.rule,
            message=event.message,
            values=dict(event.values),
            at=datetime.fromtimestamp(event.at, UTC),
            event_id=event.id,
            simulated=event.simulated,
        )
        results: dict[str, str] = {}
        jobs = []
        for name in wanted:
            if name in active:
                jobs.append((name, self._one(name, active[name], notice)))
            elif any(r.name == name for r in self.manager.records_of("notifiers")):
                results[name] = "not delivered: the notifier is switched off or failed to start"
            else:
                results[name] = "not delivered: no notifier of that name is configured"
        outcomes = await asyncio.gather(*(job for _, job in jobs))
        results.update({name: outcome for (name, _), outcome in zip(jobs, outcomes, strict=True)})
        if not wanted:
            results["(none)"] = "not delivered: no notifier is enabled"
        event.deliveries = results
