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
        await wait_for(pilot, lambda: app.ready and "AAPL" in app.watchlist.rows)
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


def test_a_theme_with_an_invalid_colour_is_reported_by_file_and_key_and_skipped(tmp_path: Path) -> None:
    write(tmp_path / "neon.yaml", "name: neon\nprimary: '#00ff00'\naccent: 'not-a-colour-x9'\n")
    write(tmp_path / "rgb.yaml", "name: rgb\nprimary: 'rgb(300, 0'\n")
    themes, problems = load_themes(tmp_path)
    assert not {"neon", "rgb"} & {t.name for t in themes}
    neon = next(p for p in problems if "neon.yaml" in p)
    assert "accent: not a colour" in neon and "not-a-colour-x9" not in neon  # the key, not the value
    assert any("rgb.yaml" in p and "primary" in p for p in problems)


async def test_a_remembered_theme_that_no_longer_loads_falls_back_to_the_default(
    tmp_path: Path, isolated_dirs: Path
) -> None:
    """A theme chosen last time (remembered in storage, cached for the first frame), then
    edited into an invalid one: the app starts on the default, says why, and nothing crashes,
    whether it starts from the cached frame or not."""
    from naetra_tui.config import load_config
    from naetra_tui.ui.app import NaetraApp
    from naetra_tui.ui.snapshot import load_snapshot, snapshot_file

    themes = isolated_dirs / "config" / "naetra-tui" / "themes"
    write(themes / "mine.yaml", "name: mine\nprimary: '#00ff00'\ndark: true\n")
    path = app_config(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.ready and "AAPL" in app.watchlist.rows)
        app.set_theme("mine")
        snapshot_file(path).unlink(missing_ok=True)
        app.action_refresh()  # the snapshot is written after a refresh, with the theme in use
        await wait_for(pilot, lambda: snapshot_file(path).exists())
        for _ in range(200):  # the choice is saved by a worker of its own
            if await app.session.state.setting("theme") == "mine":
                break
            await pilot.pause(0.05)
        assert await app.session.state.setting("theme") == "mine"
    snapshot = load_snapshot(path)
    assert snapshot is not None and snapshot.theme and snapshot.theme["name"] == "mine"
    write(themes / "mine.yaml", "name: mine\nprimary: '#00ff00'\nbackground: 'sparkly'\ndark: true\n")
    for start in ("cached frame", "plain"):
        again = (
            NaetraApp(load=lambda: load_config(path), snapshot=snapshot)
            if start == "cached frame"
            else NaetraApp(load_config(path))
        )
        async with again.run_test(size=(120, 30), notifications=True) as pilot:
            await wait_for(pilot, lambda app=again: app.ready)
            await pilot.pause()
            assert again.theme == "naetra-dark", start
            messages = " ".join(n.message for n in again._notifications)
            assert "mine.yaml" in messages and "background" in messages, start
