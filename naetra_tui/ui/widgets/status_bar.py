"""One line: each collector's health, the last refresh, whether data is simulated, storage."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class StatusBar(Widget):
    """Always one line tall, so a new status only repaints this line: a Static's ``update``
    would ask for a layout of the whole screen on every refresh (most of an idle app's work)."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._line = Text(no_wrap=True, overflow="ellipsis")

    def show(self, parts: list[tuple[str, str]]) -> None:
        """``parts``: (text, style) pairs; text is literal (never markup)."""
        line = Text(no_wrap=True, overflow="ellipsis")
        for index, (text, style) in enumerate(parts):
            if index:
                line.append(" · ", style="dim")
            line.append(text, style=style)
        if line != self._line:
            self._line = line
            self.refresh()

    @property
    def text(self) -> Text:
        """What the bar shows now."""
        return self._line

    def render(self) -> Text:
        return self._line
