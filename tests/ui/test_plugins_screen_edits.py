"""The Plugins screen changes the config while the app runs (#22): K/J reorder collectors (the
failover order, used at once and saved), `a` adds an installed plugin the config does not use,
with its defaults; the file keeps the user's comments, and the previous version is kept."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, OptionList

from naetra_tui.config import load_config
from naetra_tui.ui.screens.plugins import PluginsScreen
from tests.ui.conftest import app_config, make_app, wait_for


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def two_collectors(tmp_path: Path) -> Path:
    collectors = (
        "    # offline first: keep this comment\n"
        "    - {name: simulated, plugin: simulated, config: {seed: 7}}\n"
        "    - {name: yahoo_finance, plugin: yahoo_finance, enabled: false}\n"
    )
    return app_config(tmp_path, collectors=collectors)


async def test_shift_j_and_k_reorder_collectors_live_and_in_the_file(tmp_path: Path) -> None:
    path = two_collectors(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("p")
        assert isinstance(app.screen, PluginsScreen)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[k.value for k in table.rows].index("data_collectors/simulated"))
        await pilot.press("J")
        await wait_for(pilot, lambda: any("is now number 2" in m for m in notes(app)))
        assert [r.name for r in app.manager.records_of("data_collectors")] == ["yahoo_finance", "simulated"]
        assert (
            table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "data_collectors/simulated"
        )
        assert [e.name for e in load_config(path).config.plugins.of("data_collectors")] == [
            "yahoo_finance",
            "simulated",
        ]
        assert "# offline first: keep this comment" in path.read_text()
        assert (path.parent / "config.yaml.prev").exists()
        await pilot.press("K")
        await wait_for(pilot, lambda: any("is now number 1" in m for m in notes(app)))
        assert load_config(path).config.plugins.of("data_collectors")[0].name == "simulated"


async def test_a_adds_an_installed_plugin_with_its_defaults(tmp_path: Path) -> None:
    path = app_config(tmp_path)  # no openai entry in this config
    app = make_app(path)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("p", "a")
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "llm/openai" in ids and "data_collectors/simulated" not in ids
        options.highlighted = ids.index("llm/openai")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(m.startswith("Added llm/openai") for m in notes(app)))
        assert "llm/openai" in app.manager.records
        assert [e.name for e in load_config(path).config.plugins.of("llm")] == ["ollama", "openai"]
