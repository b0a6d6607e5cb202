"""The ``apprise`` notifier: any service Apprise speaks — ntfy, Slack, Discord, Telegram, email,
generic JSON webhooks — from one URL in config (several separated by commas). The URL carries
tokens, so it is a secret: kept in the secret store, masked in the settings form. A URL whose
scheme Apprise does not know is refused at start with the scheme named."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from naetra_tui.core.errors import ConfigurationError, PluginError
from naetra_tui.core.interfaces import AlertNotice, INotifier
from naetra_tui.core.secrets import redact, register_secret
from naetra_tui.core.text import clean_line


class AppriseConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: SecretStr
    """Apprise URL(s), e.g. ntfy://ntfy.sh/my-topic or json://host/path (a secret: its tokens
    are kept in the secret store)."""
    timeout: float = Field(10.0, gt=0, le=120)


class AppriseNotifier(INotifier):
    description: ClassVar[str] = "Apprise: ntfy, Slack, Discord, Telegram, email, webhooks (a URL)"
    config_model: ClassVar[type[BaseModel]] = AppriseConfig

    def __init__(self) -> None:
        self.apprise: Any = None

    async def initialize(self, config: dict[str, Any]) -> None:
        import apprise

        settings = AppriseConfig.model_validate(config)
        urls = [u.strip() for u in settings.url.get_secret_value().split(",") if u.strip()]
        if not urls:
            raise ConfigurationError("apprise needs a url (e.g. ntfy://ntfy.sh/your-topic)")
        for url in urls:
            register_secret(url)  # the whole URL: its tokens must never reach a log or a screen
        self.apprise = apprise.Apprise()
        self.timeout = settings.timeout
        for url in urls:
            if not self.apprise.add(url):
                scheme = clean_line(url.partition("://")[0])[:20] if "://" in url else "(none)"
                raise ConfigurationError(
                    f"apprise does not know the URL scheme '{scheme}://' (see apprise's list)"
                )

    async def notify(self, notice: AlertNotice) -> None:
        """Raises: PluginError (a service refused it or could not be reached; its log says why)."""
        import apprise

        with apprise.LogCapture(level=apprise.logging.WARNING, fmt="%(message)s") as said:
            sent = await asyncio.wait_for(
                self.apprise.async_notify(title=clean_line(notice.title), body=clean_line(notice.message)),
                self.timeout,
            )
        if not sent:
            reason = clean_line(redact(said.getvalue())).strip()[:300]
            raise PluginError(reason or "a service refused it")
