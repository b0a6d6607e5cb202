"""Themes from YAML files into Textual ``Theme`` objects.

Shipped themes live in the ``themes`` package; a user's own ``*.yaml`` files in
``~/.config/naetra-tui/themes/`` load too. A broken file is reported (all problems in one
message) and the others still load.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from textual.theme import Theme

from ..paths import user_config_dir

DEFAULT_THEME = "naetra-dark"


@cache
def _theme_file() -> type:
    """The theme file's schema (pydantic is imported on first use: not for the first paint)."""
    from pydantic import BaseModel, ConfigDict, Field

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

        def to_theme(self) -> Theme:
            return Theme(**self.model_dump())

    return ThemeFile


def _parse(text: str, origin: str) -> Theme:
    import yaml  # on first use: the first paint uses the cached theme instead

    try:
        data = yaml.safe_load(text)
        theme = _theme_file().model_validate(data).to_theme()
    except (yaml.YAMLError, TypeError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        first = str(exc).strip().splitlines()
        raise ValueError(f"{origin}: {' '.join(first[:3])}") from None
    return theme


def load_themes(user_dir: Path | None = None) -> tuple[list[Theme], list[str]]:
    """All shipped and user themes, and one message per file that could not be loaded."""
    themes: dict[str, Theme] = {}
    errors: list[str] = []
    import themes as shipped

    for entry in sorted(Path(shipped.__file__).parent.glob("*.yaml")):
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
