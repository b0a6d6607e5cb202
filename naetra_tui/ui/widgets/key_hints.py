"""The key hints at the bottom of every screen, drawn as one line of text.

Textual's ``Footer`` builds a widget per key; on the main screen that was about 50 ms of the
start-up (a third of the time to the first paint). This draws the same hints (the screen's
shown bindings, then the command palette's key at the right) as one ``Text``; each hint is
still clickable and presses its key.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget


class KeyHints(Widget):
    COMPONENT_CLASSES = {"key-hints--key", "key-hints--description"}
    DEFAULT_CSS = """
    KeyHints {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyHints > .key-hints--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyHints > .key-hints--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is self.screen:
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-hints--key")
        description_style = self.get_component_rich_style("key-hints--description")
        hints: list[Text] = []
        seen: set[str] = set()
        palette = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action == "app.command_palette" or binding.key == self.app.COMMAND_PALETTE_BINDING:
                palette = binding
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            hints.append(self._hint(binding, enabled, key_style, description_style))
        tail = Text(end="")
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            tail.append("▏", style=description_style)
            tail.append_text(self._hint(palette, True, key_style, description_style))
        # whole hints, as many as fit before the palette's (which always shows, at the right)
        line = Text(no_wrap=True, overflow="crop", end="")
        room = self.size.width - tail.cell_len
        for hint in hints:
            if line.cell_len + hint.cell_len > room:
                break
            line.append_text(hint)
        if tail:
            line.append(" " * max(0, room - line.cell_len))
            line.append_text(tail)
        return line

    def _hint(self, binding: Any, enabled: bool, key_style: Style, description_style: Style) -> Text:
        """ " a Add ": the key, its description; clicking it presses the key."""
        key = binding.key.split(",")[0]
        click = Style.from_meta({"@click": f"app.simulate_key({key!r})"})
        dim = Style(dim=True) if not enabled else Style()
        hint = Text(f" {self.app.get_key_display(binding)} ", key_style + dim + click, end="")
        if binding.description:
            hint.append(f"{binding.description} ", description_style + dim + click)
        return hint
