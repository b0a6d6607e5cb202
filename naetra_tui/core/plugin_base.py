"""The lifecycle every plugin shares (``IPlugin``), in its own module so each category's
interface can build on it without importing the others; ``core.interfaces`` exports it."""

from __future__ import annotations

from abc import ABC
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .models import Health


class IPlugin(ABC):  # noqa: B024 - the lifecycle hooks all have defaults
    """Lifecycle shared by every plugin: ``initialize`` → ``health_check``* → ``cleanup``."""

    #: Category this interface belongs to (set on each interface below).
    category: ClassVar[str] = ""
    #: Optional pydantic model of the plugin's ``config:`` mapping.
    config_model: ClassVar[type[BaseModel] | None] = None
    #: One-line description shown in ``--list-plugins`` and the Plugins screen.
    description: ClassVar[str] = ""
    #: Method -> {parameter: ability}: a parameter callers pass only to plugins with that
    #: ability (a class attribute that is true). Checked at load (see ``plugin_host/signatures.py``).
    ability_parameters: ClassVar[dict[str, dict[str, str]]] = {}

    async def initialize(self, config: dict[str, Any]) -> None:  # noqa: B027 - optional hook
        """Prepare the plugin with its (validated) ``config:`` mapping.

        Raises:
            ConfigurationError: the config is unusable.
            PluginError: the plugin cannot start (the manager marks it ``failed``).
        """

    async def health_check(self) -> bool | Health:
        """Say whether the plugin can do its job right now.

        Returns:
            ``True``/``False`` (the guide's form) or a ``Health`` with a detail line. ``False``
            marks the plugin ``degraded``; it stays loaded.

        Raises:
            Any exception is treated as ``degraded`` with the exception as the reason.
        """
        return True

    async def cleanup(self) -> None:  # noqa: B027 - optional hook
        """Release connections, threads and files. Called on disable and on exit.

        Raises:
            Nothing should escape; the manager logs and ignores errors here.
        """
