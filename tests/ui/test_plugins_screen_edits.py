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
        assert [r.name for r in app.session.manager.records_of("data_collectors")] == [
            "yahoo_finance",
            "simulated",
        ]
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
        assert "llm/openai" in app.session.manager.records
        assert [e.name for e in load_config(path).config.plugins.of("llm")] == ["ollama", "openai"]


async def test_e_opens_a_form_validates_at_the_field_and_applies_and_saves(tmp_path: Path) -> None:
    """The issue's case: Alpha Vantage 'needs an api_key'. Typed into the form, the key lands
    in the secret store, not the file; the plugin restarts with it; a bad value is refused at
    its field and changes nothing."""
    from textual.widgets import Input, Static

    from naetra_tui.config.secret_store import store_path
    from naetra_tui.core.enums import PluginState
    from naetra_tui.ui.screens.config_form import ConfigForm

    collectors = (
        "    - {name: simulated, plugin: simulated, config: {seed: 7}}\n"
        "    - {name: alpha_vantage, plugin: alpha_vantage, enabled: true}  # needs a key\n"
    )
    path = app_config(tmp_path, collectors=collectors)
    app = make_app(path)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        record = app.session.manager.records["data_collectors/alpha_vantage"]
        assert record.state is PluginState.FAILED and "api_key" in (record.error or "")
        await pilot.press("p")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[k.value for k in table.rows].index("data_collectors/alpha_vantage"))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigForm))
        form = app.screen
        key_field = form.query_one("#field-api_key", Input)
        assert key_field.password and key_field.value == ""  # masked, never prefilled
        helps = [str(widget.render()) for widget in form.query(".help")]
        assert any("Your key from alphavantage.co" in h for h in helps)  # the field's docstring
        form.query_one("#field-timeout", Input).value = "-3"
        assert form.focused is key_field  # typing goes into the first field at once
        await pilot.press(*"AVKEY-typed-in-the-form")
        assert key_field.value == "AVKEY-typed-in-the-form"
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfigForm)  # refused, at the field
        assert "greater than 0" in str(form.query_one("#problem-timeout", Static).render())
        assert "AVKEY" not in path.read_text()
        form.query_one("#field-timeout", Input).value = "20"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("new settings in force" in m for m in notes(app)))
        assert record.state is not PluginState.FAILED or "api_key" not in (record.error or "")
        text = path.read_text()
        assert "AVKEY-typed-in-the-form" not in text and "${NAETRA_SECRET_" in text
        assert "timeout: 20" in text and "# needs a key" in text
        assert "AVKEY-typed-in-the-form" in store_path().read_text()
        assert "AVKEY-typed-in-the-form" not in str(app.screen.query_one("#detail-text", Static).render())


async def test_esc_cancels_the_form_and_changes_nothing(tmp_path: Path) -> None:
    from textual.widgets import Input

    from naetra_tui.ui.screens.config_form import ConfigForm

    path = app_config(tmp_path)
    before = path.read_text()
    app = make_app(path)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("p")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[k.value for k in table.rows].index("data_collectors/simulated"))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigForm))
        app.screen.query_one("#field-seed", Input).value = "99"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, PluginsScreen))
    assert path.read_text() == before


async def test_a_restart_that_fails_keeps_the_old_settings_and_the_file(tmp_path: Path) -> None:
    from textual.widgets import Input

    from naetra_tui.core.enums import PluginState
    from naetra_tui.ui.screens.config_form import ConfigForm

    path = app_config(tmp_path)
    before = path.read_text()
    app = make_app(path)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        record = app.session.manager.records["analyzers/technical"]
        await wait_for(pilot, lambda: record.state is PluginState.READY)
        await pilot.press("p")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[k.value for k in table.rows].index("analyzers/technical"))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigForm))
        field = app.screen.query_one("#field-patterns", Input)
        assert field.value.startswith('["CDL')  # a list, shown as YAML writes it
        field.value = '["CDLNOSUCHPATTERN"]'  # the model takes it; initialize() refuses it
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("did not start with the new settings" in m for m in notes(app)))
        said = next(m for m in notes(app) if "did not start" in m)
        assert "CDLNOSUCHPATTERN" in said and "previous settings are back" in said
        await wait_for(pilot, lambda: record.state is PluginState.READY)
        assert "CDLNOSUCHPATTERN" not in str(record.entry.config)
    assert path.read_text() == before


async def test_a_file_changed_on_disk_while_the_form_was_open_is_not_overwritten(tmp_path: Path) -> None:
    from textual.widgets import Input

    from naetra_tui.ui.screens.config_form import ConfigForm

    path = app_config(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("p")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[k.value for k in table.rows].index("data_collectors/simulated"))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigForm))
        theirs = path.read_text() + "# someone else's edit\n"
        path.write_text(theirs)
        app.screen.query_one("#field-seed", Input).value = "99"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: any("changed on disk since the form was opened" in m for m in notes(app))
        )
    assert path.read_text() == theirs


def test_plugin_set_with_an_unknown_key_says_did_you_mean(tmp_path: Path, capsys) -> None:
    from naetra_tui.cli import main

    path = app_config(tmp_path)
    assert main(["--config", str(path), "plugin", "set", "data_collectors/simulated", "sead=3"]) == 2
    err = capsys.readouterr().err
    assert "did you mean seed?" in err and "nothing was written" in err


async def test_the_config_is_written_through_a_symlink_not_over_it(tmp_path: Path) -> None:
    from naetra_tui.config.writer import ConfigEditor

    real = app_config(tmp_path)
    link = tmp_path / "linked.yaml"
    link.symlink_to(real)
    editor = ConfigEditor(link)
    editor.set_values("data_collectors", "simulated", {"seed": 11})
    editor.save()
    assert link.is_symlink() and "seed: 11" in real.read_text()


async def test_a_url_holding_a_password_is_masked_in_the_form(tmp_path: Path) -> None:
    """A hand-written config with a password in a URL (#31): the form never shows it."""
    from textual.app import App
    from textual.widgets import Input

    from naetra_tui.builtin.llm.openai import OpenAICompatibleProvider
    from naetra_tui.services.plugin_settings import setting_fields
    from naetra_tui.ui.screens.config_form import ConfigForm

    model = OpenAICompatibleProvider.config_model
    current = {"base_url": "http://me:pw-in-clear@10.0.0.5:8080/v1"}
    form = ConfigForm("llm/openai", setting_fields(model), current, model)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(form)

    async with Host().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        field = form.query_one("#field-base_url", Input)
        assert field.password and field.value == "" and "pw-in-clear" not in field.value
        assert form.changed() == {}  # left empty: the URL is kept as it is
        api_key = form.query_one("#field-api_key", Input)
        assert api_key.password  # a SecretStr field
