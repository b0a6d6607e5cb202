"""The ``command`` notifier: runs a configured program with the alert as JSON on its stdin —
never through a shell, never with alert text in its arguments — with a timeout; its output is
read up to a bound (a program that writes 100 MB is cut off, not buffered)."""

from __future__ import annotations

import asyncio
import json
import shutil
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from naetra_tui.core.errors import ConfigurationError, PluginError
from naetra_tui.core.interfaces import AlertNotice, INotifier
from naetra_tui.core.text import clean_line

#: Bytes of the program's output kept for the record of a failure.
OUTPUT_LIMIT = 4096


class CommandConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program: list[str] = Field(min_length=1)
    """The program and its fixed arguments, e.g. [notify-me, --urgent]. No shell: '|', ';' and
    '$()' are plain characters."""
    timeout: float = Field(10.0, gt=0, le=300)
    """Seconds before the program is stopped and the delivery recorded as failed."""

    @field_validator("program")
    @classmethod
    def _no_empty(cls, value: list[str]) -> list[str]:
        if not value[0].strip():
            raise ValueError("the program's name is empty")
        return value


class CommandNotifier(INotifier):
    description: ClassVar[str] = "runs a program with each alert as JSON on its stdin"
    config_model: ClassVar[type[BaseModel]] = CommandConfig

    def __init__(self) -> None:
        self.settings: CommandConfig | None = None

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = CommandConfig.model_validate(config)
        if shutil.which(self.settings.program[0]) is None:
            raise ConfigurationError(
                f"the program '{clean_line(self.settings.program[0])[:80]}' was not found"
            )

    async def notify(self, notice: AlertNotice) -> None:
        """Raises: PluginError (not found, timed out, or a non-zero exit with its output)."""
        if self.settings is None:
            raise PluginError("the command notifier is not configured")
        payload = json.dumps(notice.to_json()).encode()
        try:
            process = await asyncio.create_subprocess_exec(
                *self.settings.program,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
        except OSError as exc:
            raise PluginError(
                f"cannot run '{clean_line(self.settings.program[0])[:80]}': {exc.strerror}"
            ) from None
        try:
            output = await asyncio.wait_for(self._talk(process, payload), self.settings.timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise PluginError(f"the program did not finish within {self.settings.timeout:g} s") from None
        if process.returncode != 0:
            said = clean_line(output.decode(errors="replace")).strip()[:300]
            raise PluginError(f"the program exited with {process.returncode}" + (f": {said}" if said else ""))

    @staticmethod
    async def _talk(process: asyncio.subprocess.Process, payload: bytes) -> bytes:
        """Write the notice, read at most OUTPUT_LIMIT bytes of output, drain the rest unkept."""
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(payload)
            await process.stdin.drain()
            process.stdin.close()
        except (BrokenPipeError, ConnectionResetError):
            pass  # a program that does not read its stdin may still succeed
        kept = await process.stdout.read(OUTPUT_LIMIT)
        while await process.stdout.read(65536):
            pass
        await process.wait()
        return kept
