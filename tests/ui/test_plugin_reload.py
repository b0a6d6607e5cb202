"""`r` on the Plugins screen re-imports a user plugin's code and restarts it (#22): the new code
runs without restarting the app, helper modules included; code that no longer imports is
reported and the running plugin keeps its old code. A read-only config file is said before
any restart, and nothing changes."""

from __future__ import annotations

import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable

from naetra_tui.core.enums import PluginState
from tests.ui.conftest import app_config, make_app, wait_for

PLUGIN = """
from core.interfaces import IDataCollector
from plugins.data_collectors.helper import VERSION


class CustomDataCollector(IDataCollector):
    version = VERSION

    async def initialize(self, config):
        self.base_url = config["base_url"]

    async def get_market_data(self, symbol, timeframe):
        return {"timestamp": [1700000000], "open": [1.0], "high": [1.0], "low": [1.0],
                "close": [float(self.version)], "volume": [1]}

    async def get_fundamentals(self, symbol):
        return {}
"""


@pytest.fixture(autouse=True)
def forget_user_plugins() -> Iterator[None]:
    """Each test's plugins/ folder is a new one: the last test's modules must not answer."""
    yield
    for name in [n for n in sys.modules if n == "plugins" or n.startswith("plugins.")]:
        del sys.modules[name]


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def user_plugin(tmp_path: Path, version: str) -> Path:
    folder = tmp_path / "plugins" / "data_collectors"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "custom_source.py").write_text(PLUGIN)
    (folder / "helper.py").write_text(f"VERSION = {version}\n")
    entry = (
        "    - name: custom_source\n"
        "      class: plugins.data_collectors.custom_source.CustomDataCollector\n"
        "      config: {base_url: 'http://127.0.0.1:1'}\n"
        "    - {name: simulated, plugin: simulated, config: {seed: 7}}\n"
    )
    return app_config(tmp_path, collectors=entry)


def select(app, key: str) -> None:
    table = app.screen.query_one(DataTable)
    table.move_cursor(row=[k.value for k in table.rows].index(key))


async def test_r_reimports_an_edited_user_plugin_and_keeps_the_old_code_if_the_edit_breaks_it(
    tmp_path: Path,
) -> None:
    path = user_plugin(tmp_path, "1")
    app = make_app(path)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        record = app.session.manager.records["data_collectors/custom_source"]
        await wait_for(pilot, lambda: record.state is PluginState.READY)
        assert app.session.manager.get_plugin("data_collectors", "custom_source").version == 1
        await pilot.press("p")
        select(app, "data_collectors/custom_source")

        (tmp_path / "plugins" / "data_collectors" / "helper.py").write_text("VERSION = 2\n")  # a helper
        await pilot.press("r")
        await wait_for(pilot, lambda: any("restarted (code re-imported from" in m for m in notes(app)))
        assert str(tmp_path / "plugins" / "data_collectors" / "custom_source.py") in notes(app)[-1]
        running = app.session.manager.get_plugin("data_collectors", "custom_source")
        assert running.version == 2 and record.state is PluginState.READY
        assert (await running.get_market_data("AAPL", "1D"))["close"] == [2.0]

        (tmp_path / "plugins" / "data_collectors" / "helper.py").write_text("VERSION = (\n")
        await pilot.press("r")
        await wait_for(pilot, lambda: any("does not import" in m for m in notes(app)))
        said = next(m for m in notes(app) if "does not import" in m)
        assert "keeps its old code" in said and "SyntaxError" in said
        assert app.session.manager.get_plugin("data_collectors", "custom_source") is running
        assert record.state is PluginState.READY

        (tmp_path / "plugins" / "data_collectors" / "helper.py").write_text("VERSION = 3\n")  # fixed
        await pilot.press("r")
        await wait_for(
            pilot, lambda: app.session.manager.get_plugin("data_collectors", "custom_source").version == 3
        )


async def test_r_on_a_built_in_plugin_restarts_it_and_says_its_code_is_built_in(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        before = app.session.manager.get_plugin("data_collectors", "simulated")
        await pilot.press("p")
        select(app, "data_collectors/simulated")
        await pilot.press("r")
        await wait_for(pilot, lambda: any("simulated restarted (built-in code)" in m for m in notes(app)))
        assert app.session.manager.get_plugin("data_collectors", "simulated") is not before


async def test_r_on_a_user_plugin_that_failed_to_import_starts_it_once_fixed(tmp_path: Path) -> None:
    path = user_plugin(tmp_path, "(")  # broken from the start
    app = make_app(path)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        record = app.session.manager.records["data_collectors/custom_source"]
        await wait_for(pilot, lambda: record.state is PluginState.FAILED)
        (tmp_path / "plugins" / "data_collectors" / "helper.py").write_text("VERSION = 5\n")
        await pilot.press("p")
        select(app, "data_collectors/custom_source")
        await pilot.press("r")
        await wait_for(pilot, lambda: record.state is PluginState.READY)
        assert app.session.manager.get_plugin("data_collectors", "custom_source").version == 5


async def test_a_read_only_config_is_said_before_the_restart_and_nothing_changes(tmp_path: Path) -> None:
    from textual.widgets import Input

    from naetra_tui.ui.screens.config_form import ConfigForm

    path = app_config(tmp_path)
    before = path.read_text()
    path.chmod(0o444)
    app = make_app(path)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        running = app.session.manager.get_plugin("data_collectors", "simulated")
        await pilot.press("p")
        select(app, "data_collectors/simulated")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigForm))
        app.screen.query_one("#field-seed", Input).value = "99"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("is read-only" in m for m in notes(app)))
        said = next(m for m in notes(app) if "is read-only" in m)
        assert "nothing was changed" in said and f"chmod u+w {path}" in said
        assert app.session.manager.get_plugin("data_collectors", "simulated") is running  # not restarted
        assert app.session.manager.records["data_collectors/simulated"].entry.config["seed"] == 7
    assert path.read_text() == before and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_plugin_set_on_a_read_only_config_exits_2_and_writes_nothing(tmp_path: Path, capsys) -> None:
    from naetra_tui.cli import main

    path = app_config(tmp_path)
    before = path.read_text()
    path.chmod(0o444)
    assert main(["--config", str(path), "plugin", "set", "data_collectors/simulated", "seed=3"]) == 2
    assert "is read-only: nothing was changed" in capsys.readouterr().err
    assert path.read_text() == before and not (tmp_path / "config.yaml.prev").exists()
