"""The ``notifiers`` plugin category: how an alert reaches the user (the guide's plugin model
applied to delivery). ``INotifier`` is exported from ``core.interfaces`` with the others.

A notifier gets an ``AlertNotice`` — plain data, its text already cleaned where it entered —
and delivers it or raises. The service around it bounds each call with a timeout, records what
each notifier did, and never lets one notifier's failure stop another or the evaluation.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from .plugin_base import IPlugin


@dataclass(frozen=True)
class AlertNotice:
    """One alert firing, as a notifier receives it."""

    alert_id: str
    symbol: str
    rule: str
    #: One line: ``AAPL: price > 250 (price 251.2)``.
    message: str
    #: The values the rule read when it fired (name -> value).
    values: dict[str, float] = field(default_factory=dict)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    event_id: str = ""
    #: The figures came from the simulated feed (say so wherever it is shown).
    simulated: bool = False

    @property
    def title(self) -> str:
        return f"naetra-tui alert: {self.symbol}" + (" (SIMULATED data)" if self.simulated else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "event_id": self.event_id,
            "symbol": self.symbol,
            "rule": self.rule,
            "message": self.message,
            "values": dict(self.values),
            "at": self.at.isoformat(),
            "simulated": self.simulated,
        }


class INotifier(IPlugin):
    """Interface for alert delivery."""

    category: ClassVar[str] = "notifiers"
    #: Seconds the service waits for ``notify`` before recording a timeout (config ``timeout``
    #: on the plugin entry overrides it).
    default_timeout: ClassVar[float] = 10.0
    #: Shows notices inside the app when a front end gives it ``present`` (the ``terminal``
    #: notifier); headless it falls back to its own output.
    presents_in_app: ClassVar[bool] = False
    present: Callable[[AlertNotice, bool], None] | None = None

    @abstractmethod
    async def notify(self, notice: AlertNotice) -> None:
        """Deliver ``notice``.

        Raises:
            PluginError (or any exception): not delivered; the message is recorded as the reason.
        """
