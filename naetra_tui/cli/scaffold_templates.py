"""The files ``naetra-tui plugin new`` writes; ``[[key]]`` marks are filled in by ``fill``."""

from __future__ import annotations


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"[[{key}]]", value)
    return text


PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "[[dist]]"
version = "0.1.0"
description = "A naetra-tui [[category]] plugin"
requires-python = ">=3.11"
dependencies = ["naetra-tui"]

[project.optional-dependencies]
test = ["pytest>=8"]

# This line is what makes naetra-tui find the plugin once the package is installed:
# `naetra-tui --list-plugins` shows it, and `plugin: [[name]]` in config.yaml uses it.
[project.entry-points."naetra.[[category]]"]
[[name]] = "[[package]].plugin:[[cls]]"

[tool.setuptools.packages.find]
where = ["src"]
"""

README = """\
# [[dist]]

A naetra-tui `[[category]]` plugin.

    pip install -e .            # then: naetra-tui --list-plugins
    pip install -e '.[test]' && pytest

Use it in `config.yaml` (or press `a` on the Plugins screen, or run
`naetra-tui plugin add [[category]]/[[name]]`):

```yaml
plugins:
  [[category]]:
    - name: [[name]]
      plugin: [[name]]
      config: {}
```

`tests/test_plugin.py` runs naetra-tui's plugin contract (`naetra_tui.testing`): it starts
the plugin with its config, checks a bad config is refused, the shapes it returns, the
documented errors, that no call blocks the event loop for more than 50 ms, that `cleanup()`
leaves nothing running, and that no secret shows in its `repr` or logs.
"""

INIT = '''"""A naetra-tui [[category]] plugin."""

from .plugin import [[cls]]

__all__ = ["[[cls]]"]
'''

TESTS = '''"""naetra-tui's plugin contract, run against this plugin."""

from typing import Any, ClassVar

from naetra_tui.testing import [[contract]]

from [[package]] import [[cls]]


class Test[[cls]]([[contract]]):
    plugin_class = [[cls]]
    config: ClassVar[dict[str, Any]] = {}
    bad_config: ClassVar[dict[str, Any] | None] = {"not_a_setting": 1}
'''

COLLECTOR = '''"""A data collector for naetra-tui. Replace the made-up prices with your source's."""

import asyncio
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from naetra_tui.core.errors import UnknownSymbol
from naetra_tui.core.interfaces import [[interface]]


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt setting is an error, not ignored

    timeout: float = Field(10.0, gt=0)
    """Seconds to wait for the source."""


class [[cls]]([[interface]]):
    """[[name]]: prices for a few symbols (replace with a real source)."""

    description: ClassVar[str] = "[[name]] (a new data collector)"
    config_model: ClassVar[type[BaseModel]] = Config
    KNOWN: ClassVar[dict[str, float]] = {"AAPL": 190.0, "MSFT": 410.0}

    def __init__(self) -> None:
        self.settings = Config()

    async def initialize(self, config: dict[str, Any]) -> None:
        """Raises: ValidationError (a bad config), before anything starts."""
        self.settings = Config.model_validate(config)

    async def get_market_data(self, symbol: str, timeframe: str) -> Any:
        """Columns of OHLCV lists (a ``PriceHistory`` works too).

        Raises: UnknownSymbol for a symbol the source does not know.
        """
        if symbol not in self.KNOWN:
            raise UnknownSymbol(f"[[name]] does not know {symbol}")
        await asyncio.sleep(0)  # a real source awaits its network call here (never blocks)
        base = self.KNOWN[symbol]
        days = [f"2026-11-{day:02d}" for day in range(2, 28)]
        closes = [base + i * 0.5 for i in range(len(days))]
        return {
            "timestamp": days,
            "open": closes,
            "high": [c + 1 for c in closes],
            "low": [c - 1 for c in closes],
            "close": closes,
            "volume": [1_000_000] * len(days),
        }

    async def get_fundamentals(self, symbol: str) -> Any:
        """Raises: UnknownSymbol."""
        if symbol not in self.KNOWN:
            raise UnknownSymbol(f"[[name]] does not know {symbol}")
        return {"name": symbol}
'''

ANALYZER = '''"""An analyzer for naetra-tui: here, how far the last close is from its 20-bar average."""

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from naetra_tui.core.errors import DataUnavailable
from naetra_tui.core.interfaces import [[interface]]
from naetra_tui.core.models import Analysis


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: int = Field(20, ge=2, le=500)
    """Bars in the moving average."""


class [[cls]]([[interface]]):
    """[[name]]: the last close against its moving average."""

    description: ClassVar[str] = "[[name]] (a new analyzer)"
    config_model: ClassVar[type[BaseModel]] = Config

    def __init__(self) -> None:
        self.settings = Config()

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = Config.model_validate(config)

    async def analyze(self, data: Any) -> Analysis:
        """Raises: DataUnavailable when there are fewer bars than the period."""
        history = data.get("history") if isinstance(data, dict) else None
        if history is None or len(history) < self.settings.period:
            raise DataUnavailable("[[name]] needs more bars than it was given")
        closes = history.close[-self.settings.period :]
        average = float(closes.mean())
        last = float(closes[-1])
        return Analysis(
            analyzer="[[name]]",
            indicators={"distance_from_average_pct": round((last / average - 1) * 100, 2)},
        )

    async def validate(self, analysis: Analysis) -> bool:
        value = analysis.indicators.get("distance_from_average_pct")
        return isinstance(value, float) and value == value
'''

LLM = '''"""An LLM provider for naetra-tui. Replace the canned answer with your model's."""

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from naetra_tui.core.chat import ChatChunk, ChatTurn, ToolSpec
from naetra_tui.core.interfaces import [[interface]]


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_name: str = "echo"
    """The model to answer with."""
    temperature: float = Field(0.3, ge=0, le=2)


class [[cls]]([[interface]]):
    """[[name]]: streams a canned answer (replace with calls to your model server)."""

    description: ClassVar[str] = "[[name]] (a new LLM provider)"
    config_model: ClassVar[type[BaseModel]] = Config
    supports_streaming: ClassVar[bool] = True

    def __init__(self) -> None:
        self.settings = Config()

    @property
    def model(self) -> str:
        return self.settings.model_name

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = Config.model_validate(config)

    async def stream_chat(
        self, messages: list[ChatTurn], *, model: str | None = None, tools: list[ToolSpec] | None = None
    ) -> AsyncIterator[ChatChunk]:
        question = next((m.content for m in reversed(messages) if m.role == "user"), "")
        for word in f"You asked: {question[:80]}".split(" "):
            yield ChatChunk(content=word + " ")
        yield ChatChunk(done=True, done_reason="stop")

    async def generate(self, prompt: str, context: dict[str, Any]) -> str:
        return "".join([c.content async for c in self.stream_chat([ChatTurn("user", prompt)])])
'''

STORAGE = '''"""A storage backend for naetra-tui: here, a dictionary in memory (replace with yours)."""

import copy
import json
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from naetra_tui.core.errors import StorageError
from naetra_tui.core.interfaces import [[interface]]


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    namespace: str = "naetra"
    """Prefix of every key this backend writes."""


class [[cls]]([[interface]]):
    """[[name]]: records kept as JSON text in memory."""

    description: ClassVar[str] = "[[name]] (a new storage backend)"
    config_model: ClassVar[type[BaseModel]] = Config

    def __init__(self) -> None:
        self.settings = Config()
        self.records: dict[str, str] = {}

    @property
    def location(self) -> str:
        return f"memory ({self.settings.namespace})"

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = Config.model_validate(config)

    async def store(self, key: str, data: Any) -> None:
        """Raises: StorageError for a record that is not JSON."""
        try:
            self.records[key] = json.dumps(data)
        except (TypeError, ValueError) as exc:
            raise StorageError(f"cannot store {key}: {exc}") from None

    async def retrieve(self, key: str) -> Any:
        text = self.records.get(key)
        return None if text is None else copy.deepcopy(json.loads(text))

    async def delete(self, key: str) -> bool:
        return self.records.pop(key, None) is not None

    async def keys(self, prefix: str = "") -> list[str]:
        return sorted(k for k in self.records if k.startswith(prefix))
'''

NOTIFIER = '''"""A notifier for naetra-tui: here, each alert appended as a JSON line to a file (replace
with your service: a chat, a pager, a phone)."""

import asyncio
import json
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from naetra_tui.core.interfaces import AlertNotice, [[interface]]


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = "alerts.jsonl"
    """The file each alert is appended to."""


class [[cls]]([[interface]]):
    """[[name]]: alerts as JSON lines."""

    description: ClassVar[str] = "[[name]] (a new notifier)"
    config_model: ClassVar[type[BaseModel]] = Config

    def __init__(self) -> None:
        self.settings = Config()

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = Config.model_validate(config)

    async def notify(self, notice: AlertNotice) -> None:
        """Raises: OSError when the file cannot be written (recorded as not delivered)."""
        line = json.dumps(notice.to_json()) + "\\n"

        def append() -> None:
            with Path(self.settings.path).open("a", encoding="utf-8") as file:
                file.write(line)

        await asyncio.to_thread(append)
'''

CUSTOM = '''"""A plugin of naetra-tui's "[[category]]" category (the guide's custom categories)."""

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from naetra_tui.core.interfaces import [[interface]]


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    greeting: str = "hello"
    """What ``operation()`` answers."""


class [[cls]]([[interface]]):
    """[[name]]: a [[category]] plugin."""

    category: ClassVar[str] = "[[category]]"
    description: ClassVar[str] = "[[name]] (a new [[category]] plugin)"
    config_model: ClassVar[type[BaseModel]] = Config

    def __init__(self) -> None:
        self.settings = Config()

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = Config.model_validate(config)

    async def operation(self) -> str:
        return self.settings.greeting
'''
