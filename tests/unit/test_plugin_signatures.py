"""A plugin whose methods do not match its interface is refused at load, with the method and
the signature expected (pluggy's _verify_hook is the model); well-formed ones, the guide's
included, still load."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from naetra_tui.core.models import PluginState
from naetra_tui.plugin_host.manager import PluginManager
from tests.conftest import write
from tests.fixtures import fake_plugins

FAKE = "tests.fixtures.fake_plugins"


async def start(tmp_path: Path, category: str, cls: str) -> PluginManager:
    path = write(
        tmp_path / "config.yaml",
        "plugins:\n  data_collectors:\n    - {name: good, class: "
        + FAKE
        + ".GoodCollector}\n"
        + ("" if category == "data_collectors" else f"  {category}:\n")
        + f"    - {{name: p, class: {FAKE}.{cls}}}\n",
    )
    manager = PluginManager(str(path))
    await manager.initialize()
    return manager


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (
            "SyncCollector",
            "get_market_data() is a plain def; it must be an async def; IDataCollector expects "
            "`async def get_market_data(self, symbol: str, timeframe: str) -> Any`",
        ),
        ("OneArgumentCollector", "get_market_data() does not accept the interface's parameters"),
        (
            "NoDaysHistoryCollector",
            "get_history() does not accept the interface's parameters (too many positional arguments)",
        ),
        ("AwaitedStreamCollector", "stream_quotes() is an async def; it must stream"),
    ],
)
async def test_a_collector_that_does_not_match_is_refused_with_the_signature(
    tmp_path: Path, cls: str, expected: str
) -> None:
    fake_plugins.EVENTS.clear()
    manager = await start(tmp_path, "data_collectors", cls)
    record = manager.record("data_collectors", "p")
    assert record.state is PluginState.FAILED
    assert expected in (record.error or ""), record.error
    assert f"'{FAKE}.{cls}'" in (record.error or "")
    assert "\n" not in (record.error or "")  # one line
    assert manager.record("data_collectors", "good").state is PluginState.READY  # the rest start
    await manager.cleanup()


async def test_a_storage_claiming_ttl_must_take_it(tmp_path: Path) -> None:
    manager = await start(tmp_path, "storage", "TtlClaimingStorage")
    error = manager.record("storage", "p").error or ""
    assert (
        "store() does not accept the interface's parameters (got an unexpected keyword argument 'ttl')"
        in error
    )
    assert (
        "IStorage expects `async def store(self, key: str, data: Any, *, ttl: float | None = None) -> None`"
        in error
    )
    await manager.cleanup()


@pytest.mark.parametrize(
    ("category", "cls"), [("storage", "GuideStorage"), ("data_collectors", "FlexibleCollector")]
)
async def test_plugins_that_accept_what_callers_pass_load(tmp_path: Path, category: str, cls: str) -> None:
    manager = await start(tmp_path, category, cls)
    assert manager.record(category, "p").state is PluginState.READY, manager.record(category, "p").error
    await manager.cleanup()


def test_the_check_runs_from_the_command_too(tmp_path: Path) -> None:
    """As a plugin author meets it: --check-config names the method and the signature."""
    plugin = write(
        tmp_path / "plugins" / "mine.py",
        textwrap.dedent(
            """
            from core.interfaces import IDataCollector

            class Mine(IDataCollector):
                async def initialize(self, config): pass
                def get_market_data(self, symbol, timeframe): return {}
                async def get_fundamentals(self, symbol): return {}
            """
        ),
    )
    config = write(
        tmp_path / "config.yaml",
        "plugins:\n  data_collectors:\n    - {name: mine, class: plugins.mine.Mine}\n"
        "    - {name: sim, plugin: simulated}\n",
    )
    assert plugin.exists()
    done = subprocess.run(
        [sys.executable, "-m", "naetra_tui", "--config", str(config), "--check-config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "get_market_data() is a plain def; it must be an async def" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_the_error_tree_in_the_docstring_names_every_error() -> None:
    """The tree callers read (core/errors.py's docstring) is complete: every error class the
    module defines is drawn in it."""
    import inspect as _inspect

    from naetra_tui.core import errors

    defined = {
        name
        for name, value in vars(errors).items()
        if _inspect.isclass(value)
        and issubclass(value, errors.NaetraError)
        and value.__module__ == errors.__name__
    }
    drawn = set(re.findall(r"[├└]── (\w+)", errors.__doc__ or "")) | {"NaetraError"}
    assert defined - drawn == set()
