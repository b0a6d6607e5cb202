"""Configure-with-rollback, headless (services/plugin_config.py): the Plugins screen and
`naetra-tui plugin set` share it. New settings are tried on the running plugin first and only
written if it starts; a failed restart restores the old settings and leaves the file alone;
a file changed by someone else since the form was read is never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from naetra_tui.config import load_config
from naetra_tui.core.enums import PluginState
from naetra_tui.services.plugin_config import SettingsRefused
from naetra_tui.services.session import Phase, Session
from tests.conftest import write


def config(tmp_path: Path) -> Path:
    return write(
        tmp_path / "config.yaml",
        "app:\n  storage: sqlite\n  plugin_timeout: 2\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated, config: {seed: 7}}  # mine\n"
        "  analyzers:\n    - {name: technical, plugin: technical}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'state.db'}'}}}}\n",
    )


async def started(path: Path) -> Session:
    session = Session(load_config(path))
    await session.start(Phase.ALL)
    return session


async def test_settings_a_plugin_refuses_are_rolled_back_and_never_written(tmp_path: Path) -> None:
    path = config(tmp_path)
    before = path.read_text()
    session = await started(path)
    try:
        record = session.manager.record("analyzers", "technical")
        assert record.state is PluginState.READY
        with pytest.raises(SettingsRefused) as refused:
            await session.plugin_config.configure(
                "analyzers", "technical", {"patterns": ["CDLNOSUCHPATTERN"]}, before
            )
        said = str(refused.value)
        assert "did not start with the new settings" in said and "CDLNOSUCHPATTERN" in said
        assert "config file was not changed" in said
        assert record.state is PluginState.READY  # running again, on its old settings
        assert "CDLNOSUCHPATTERN" not in str(record.entry.config)
    finally:
        await session.close()
    assert path.read_text() == before


async def test_settings_that_start_are_in_force_and_saved_with_the_comments(tmp_path: Path) -> None:
    path = config(tmp_path)
    session = await started(path)
    try:
        done = await session.plugin_config.configure(
            "data_collectors", "simulated", {"seed": 99}, path.read_text()
        )
        record = session.manager.record("data_collectors", "simulated")
        assert record.entry.config["seed"] == 99 and record.state is PluginState.READY
        assert done.saved is not None and done.save_error is None and done.state == "ready"
    finally:
        await session.close()
    text = path.read_text()
    assert "seed: 99" in text and "# mine" in text  # the user's comment kept
    assert load_config(path).config.plugins.data_collectors[0].config["seed"] == 99


async def test_a_file_changed_since_it_was_read_is_not_overwritten_and_nothing_restarts(
    tmp_path: Path,
) -> None:
    path = config(tmp_path)
    seen = path.read_text()
    session = await started(path)
    try:
        theirs = seen + "# someone else's edit\n"
        path.write_text(theirs)
        record = session.manager.record("data_collectors", "simulated")
        with pytest.raises(SettingsRefused, match="changed on disk"):
            await session.plugin_config.configure("data_collectors", "simulated", {"seed": 99}, seen)
        assert record.entry.config["seed"] == 7  # the running plugin was not touched either
    finally:
        await session.close()
    assert path.read_text() == theirs


async def test_moving_and_adding_apply_now_and_in_the_file(tmp_path: Path) -> None:
    path = config(tmp_path)
    session = await started(path)
    try:
        saved, problem = await session.plugin_config.add("analyzers", "fundamental")
        assert problem is None and saved.resolve() == path.resolve()
        assert session.manager.record("analyzers", "fundamental").loaded
        position, _ = await session.plugin_config.move("analyzers", "fundamental", -1)
        assert position == 0
        assert [r.name for r in session.manager.records_of("analyzers")][:2] == ["fundamental", "technical"]
    finally:
        await session.close()
    assert [e.name for e in load_config(path).config.plugins.analyzers] == ["fundamental", "technical"]
