"""Themes from YAML (shipped, user's own, broken ones reported) and the command palette."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from naetra_tui.ui.themes import load_themes
from tests.conftest import write
from tests.ui.conftest import app_config, make_app, wait_for


def test_shipped_and_user_themes_load_and_a_broken_one_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "mine.yaml", "name: my-green\nprimary: '#00ff00'\nbackground: '#000000'\ndark: true\n")
    write(tmp_path / "broken.yaml", "name: [not, a, name\n")
    write(tmp_path / "wrong.yaml", "name: wrong\nprimry: '#fff'\n")
    themes, problems = load_themes(tmp_path)
    names = {t.name for t in themes}
    assert {"naetra-dark", "naetra-light", "high-contrast", "amber", "my-green"} <= names
    assert len(problems) == 2
    assert any("broken.yaml" in p for p in problems) and any("wrong.yaml" in p for p in problems)


async def test_user_theme_errors_are_notified_once_and_the_app_still_starts(
    tmp_path: Path, isolated_dirs: Path
) -> None:
    write(isolated_dirs / "config" / "naetra-tui" / "themes" / "bad.yaml", "name: 3\n")
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        messages = [n.message for n in app._notifications]
        assert sum("Some theme files could not be loaded" in m for m in messages) == 1
        assert any("bad.yaml" in m for m in messages)


async def test_command_palette_switches_theme_and_opens_a_symbol(tmp_path: Path) -> None:
    app = make_app(app_config(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.ready and "AAPL" in app.rows)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Theme: amber")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == "amber")
        await pilot.press("ctrl+p")
        await pilot.press(*"Open symbol MSFT")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "symbol", None) == "MSFT")
