"""Themes from YAML files into Textual ``Theme`` objects.

Shipped themes live in the ``naetra_tui.themes`` package (the repo's ``themes/`` folder); a user's own ``*.yaml`` files in
``~/.config/naetra-tui/themes/`` load too. A broken file is reported (all problems in one
message) and the others still load.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path
from typing import Any

from textual.app import App
from textual.theme import Theme

from ..core.paths import user_config_dir

log = logging.getLogger(__name__)

DEFAULT_THEME = "naetra-dark"


@cache
def _theme_file() -> Any:  # a pydantic model class, made on first use
    """The theme file's schema (pydantic is imported on first use: not for the first paint)."""
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class ThemeFile(BaseModel):
        model_config = ConfigDict(extra="forbid")

        name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
        primary: str
        secondary: str | None = None
        accent: str | None = None
        foreground: str | None = None
        background: str | None = None
        surface: str | None = None
        panel: str | None = None
        success: str | None = None
        warning: str | None = None
        error: str | None = None
        dark: bool = True
        variables: dict[str, str] = Field(default_factory=dict)

        @field_validator(*COLOUR_FIELDS)
        @classmethod
        def _colour(cls, value: str | None) -> str | None:
            if value is not None and not is_colour(value):
                raise ValueError(
                    "not a colour Textual understands (use #rrggbb, rgb(r, g, b) or a colour name)"
                )
            return value

        def to_theme(self) -> Theme:
            return Theme(**self.model_dump())

    return ThemeFile


COLOUR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
)


def is_colour(value: object) -> bool:
    """Whether Textual can parse ``value`` as a colour (an invalid one crashed the app on switch)."""
    from textual.color import Color, ColorParseError

    try:
        Color.parse(str(value))
    except (ColorParseError, ValueError):
        return False
    return True


def theme_problem(theme: Theme) -> str | None:
    """Why Textual could not use ``theme`` (a bad colour anywhere, its variables included)."""
    bad = [
        name
        for name in COLOUR_FIELDS
        if getattr(theme, name, None) is not None and not is_colour(getattr(theme, name))
    ]
    if bad:
        return f"not colours: {', '.join(bad)}"
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # Textual's own check: whatever it raises, the theme is unusable
        return f"Textual cannot use it ({type(exc).__name__})"
    return None


def _parse(text: str, origin: str) -> Theme:
    import yaml  # on first use: the first paint uses the cached theme instead
    from pydantic import ValidationError

    try:
        data = yaml.safe_load(text)
        theme = _theme_file().model_validate(data).to_theme()
    except ValidationError as exc:  # key and reason, never the value
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors(include_input=False, include_url=False)[:3]
        )
        raise ValueError(f"{origin}: {problems}") from None
    except (yaml.YAMLError, TypeError, ValueError) as exc:
        first = str(exc).strip().splitlines()
        raise ValueError(f"{origin}: {' '.join(first[:3])}") from None
    problem = theme_problem(theme)
    if problem:
        raise ValueError(f"{origin}: {problem}")
    return theme


def load_themes(user_dir: Path | None = None) -> tuple[list[Theme], list[str]]:
    """All shipped and user themes, and one message per file that could not be loaded."""
    themes: dict[str, Theme] = {}
    errors: list[str] = []
    from importlib.resources import files

    shipped = files("naetra_tui.themes")
    for entry in sorted(shipped.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            try:
                theme = _parse(entry.read_text(encoding="utf-8"), f"themes/{entry.name}")
                themes[theme.name] = theme
            except ValueError as exc:
                errors.append(str(exc))
    folder = user_dir if user_dir is not None else user_config_dir() / "themes"
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            try:
                theme = _parse(path.read_text(encoding="utf-8"), str(path))
                themes[theme.name] = theme
            except (ValueError, OSError, UnicodeDecodeError) as exc:
                errors.append(str(exc))
    return list(themes.values()), errors


def apply_cached_theme(app: App[Any], fields: dict[str, Any]) -> None:
    """The theme the last session ended with, without reading (and validating) theme files."""
    from textual.theme import Theme

    try:
        theme = Theme(**fields)
    except (TypeError, ValueError) as exc:
        log.info("cached theme ignored: %s", exc)
        return
    problem = theme_problem(theme)
    if problem:  # a theme edited since it was cached: the default, not a crash at every start
        log.warning("cached theme %s ignored: %s", theme.name, problem)
        return
    app.register_theme(theme)
    # Called before the app runs: what App._watch_theme does, minus the CSS refresh (the
    # CSS is built once at start with this theme; a refresh would parse it all again).
    app.set_reactive(App.theme, theme.name)
    app.update_classes(
        {
            **{name: False for name in app.classes if name.startswith("-theme-")},
            f"-theme-{theme.name}": True,
            "-dark-mode": theme.dark,
            "-light-mode": not theme.dark,
        },
        update=False,
    )
    refresh_filter = getattr(app, "_refresh_truecolor_filter", None)
    if refresh_filter is not None:
        refresh_filter(app.ansi_theme)
    app.stylesheet.set_variables(app.get_css_variables())  # not parsed yet: cheap


def apply_theme(app: App[Any], name: str) -> str:
    """Switch ``app`` to theme ``name``; an unknown one, or one Textual refuses, becomes the
    default with a notification. Returns the theme now in use."""
    from ..core.text import clean_line

    if name not in app.available_themes:
        app.notify(
            f"Unknown theme '{clean_line(name)}'; using {DEFAULT_THEME}", severity="warning", markup=False
        )
        name = DEFAULT_THEME
    try:
        app.theme = name
    except Exception as exc:  # Textual refused it after all (an invalid value it only checks now)
        log.warning("theme %s could not be applied: %s", name, exc)
        app.notify(
            f"Theme '{clean_line(name)}' could not be used; using {DEFAULT_THEME}",
            severity="warning",
            markup=False,
        )
        name = app.theme = DEFAULT_THEME
    return name


def register_themes(app: App[Any], cached: str | None) -> tuple[list[str], bool]:
    """Register every theme file's theme: their names (for ``t``), and whether the configured
    theme must now be applied.

    ``cached``: the theme the first frame was painted with (None: no snapshot). A cached theme
    whose file is gone or broken now is not kept."""
    themes, problems = load_themes()
    for theme in themes:
        app.register_theme(theme)
    names = [t.name for t in themes]
    switch = cached is None or app.theme not in names
    if cached and cached not in names:
        app.theme = DEFAULT_THEME  # off the cached one before it goes; the caller applies configured
        app.unregister_theme(cached)
        switch = True
    if problems:
        app.notify(
            "Some theme files could not be loaded:\n" + "\n".join(problems),
            severity="warning",
            markup=False,
            timeout=15,
        )
    return names, switch


def updown_colours(app: App[Any]) -> tuple[str, str]:
    """The colours of rises and falls in the theme in use (none with NO_COLOR)."""
    if os.environ.get("NO_COLOR"):
        return "", ""
    theme = app.get_theme(app.theme)
    if theme is None:
        return "green", "red"
    return theme.success or "green", theme.error or "red"
