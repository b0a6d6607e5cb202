"""The ``terminal`` notifier: the bell and the in-app notification (the behaviour alerts always
had). Inside the app the front end presents the notice (``present`` is set by the session);
headless — the watcher under cron or systemd — it writes one line to stdout, bell first."""

from __future__ import annotations

import sys
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from naetra_tui.core.interfaces import AlertNotice, INotifier
from naetra_tui.core.text import clean_line


class TerminalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bell: bool = True
    """Ring the terminal bell with each alert."""


class TerminalNotifier(INotifier):
    description: ClassVar[str] = "the terminal: the bell and a notification in the app (a line when headless)"
    config_model: ClassVar[type[BaseModel]] = TerminalConfig
    default_timeout: ClassVar[float] = 2.0
    presents_in_app: ClassVar[bool] = True

    def __init__(self) -> None:
        self.settings = TerminalConfig()

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = TerminalConfig.model_validate(config)

    async def notify(self, notice: AlertNotice) -> None:
        if self.present is not None:
            self.present(notice, self.settings.bell)
            return
        bell = "\a" if self.settings.bell else ""
        sys.stdout.write(f"{bell}ALERT {clean_line(notice.message)}\n")
        sys.stdout.flush()
