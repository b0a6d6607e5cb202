"""One line: each collector's health, the last refresh, whether data is simulated, storage."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def show(self, parts: list[tuple[str, str]]) -> None:
        """``parts``: (text, style) pairs; text is literal (never markup)."""
        line = Text(no_wrap=True, overflow="ellipsis")
        for index, (text, style) in enumerate(parts):
            if index:
                line.append(" · ", style="dim")
            line.append(text, style=style)
        self.update(line)
