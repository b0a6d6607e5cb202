"""The ``desktop`` notifier: the operating system's notifications through desktop-notifier
(D-Bus ``org.freedesktop.Notifications`` on Linux, Notification Center on macOS, WinRT on
Windows). Where there is no notification service (a server, SSH, a container) it is degraded
with the reason, and each delivery is recorded as failed with it — never silently dropped."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from naetra_tui.core.errors import NotSupported, PluginError
from naetra_tui.core.interfaces import AlertNotice, INotifier
from naetra_tui.core.models import Health
from naetra_tui.core.text import clean_line


class DesktopConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    app_name: str = "naetra-tui"
    """The name the notifications are shown under."""


class _Failures(logging.Handler):
    """desktop-notifier logs a failed send instead of raising: collect what it says."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.said: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text = f"{text}: {record.exc_info[1]}"
        self.said.append(text)


class DesktopNotifier(INotifier):
    description: ClassVar[str] = "desktop notifications (D-Bus on Linux, macOS, Windows)"
    config_model: ClassVar[type[BaseModel]] = DesktopConfig
    default_timeout: ClassVar[float] = 5.0

    def __init__(self) -> None:
        self.settings = DesktopConfig()
        self.notifier: Any = None

    async def initialize(self, config: dict[str, Any]) -> None:
        from desktop_notifier import DesktopNotifier as Library

        self.settings = DesktopConfig.model_validate(config)
        self.notifier = Library(app_name=self.settings.app_name)
        logging.getLogger("desktop_notifier").propagate = False  # its tracebacks are ours to say

    async def _service(self) -> str | None:
        """None when a notification service answers, else why not."""
        try:
            await self.notifier.get_capabilities()
        except Exception as exc:
            return f"no desktop notification service ({clean_line(str(exc))[:160] or type(exc).__name__})"
        return None

    async def health_check(self) -> Health:
        missing = await self._service()
        return Health(healthy=missing is None, detail=missing or "the notification service answers")

    async def notify(self, notice: AlertNotice) -> None:
        """Raises: NotSupported (no notification service), PluginError (it refused this one)."""
        missing = await self._service()
        if missing is not None:
            raise NotSupported(missing)  # not retried: there is nothing to deliver to here
        failures = _Failures()
        library_log = logging.getLogger("desktop_notifier")
        library_log.addHandler(failures)
        try:
            await self.notifier.send(title=clean_line(notice.title), message=clean_line(notice.message))
        finally:
            library_log.removeHandler(failures)
        if failures.said:
            raise PluginError(clean_line(failures.said[0])[:300])
