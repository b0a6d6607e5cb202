"""`e` on the Plugins screen: a form built from the plugin's ``config_model`` — one field per
setting with its type, default and docstring; secrets masked (left empty: unchanged); the
model's complaints shown at their field. Saving returns the changed values; Esc cancels."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...core.text import clean_line
from ...services.plugin_settings import SettingField, parse_value, problems, url_password


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        import json

        return json.dumps(value)  # YAML's flow style: edited as it is written in config.yaml
    if hasattr(value, "model_dump"):  # a nested settings model (periods: {ma: 20, ...})
        import json

        return json.dumps(value.model_dump())
    return str(value)


class ConfigForm(ModalScreen[dict[str, Any] | None]):
    DEFAULT_CSS = """
    ConfigForm { align: center middle; }
    ConfigForm > Vertical { width: 84; height: 90%; border: round $primary; background: $surface; padding: 0 1; }
    ConfigForm VerticalScroll { height: 1fr; }
    ConfigForm .name { text-style: bold; margin-top: 1; }
    ConfigForm .help { color: $text-muted; }
    ConfigForm .problem { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]
    AUTO_FOCUS = "Input"  # the first field, not the scrolling list around the fields

    def __init__(self, title: str, fields: list[SettingField], current: dict[str, Any], model: Any) -> None:
        super().__init__()
        self.title_text = title
        # a URL or DSN holding a password in clear is masked like any secret (left empty: kept)
        self.fields = [
            replace(f, secret=True) if not f.secret and url_password(current.get(f.name)) else f
            for f in fields
        ]
        self.current = current
        self.model = model

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(clean_line(self.title_text)), classes="name")
            yield Static("Enter or ctrl+s saves and restarts the plugin; Esc cancels.", classes="help")
            with VerticalScroll():
                for field in self.fields:
                    default = "none" if field.default is None else _text(field.default)
                    yield Static(
                        Content(f"{field.name}  ({field.kind}, default {clean_line(default)[:40]})"),
                        classes="name",
                    )
                    if field.help:
                        yield Static(Content(clean_line(field.help)), classes="help")
                    value = "" if field.secret else _text(self.current.get(field.name, field.default))
                    placeholder = "hidden; type a new one to replace it" if field.secret else ""
                    yield Input(
                        value=value, password=field.secret, placeholder=placeholder, id=f"field-{field.name}"
                    )
                    yield Static("", id=f"problem-{field.name}", classes="problem")

    def changed(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in self.fields:
            text = self.query_one(f"#field-{field.name}", Input).value.strip()
            if field.secret:
                if text:
                    out[field.name] = text
                continue
            if text != _text(self.current.get(field.name, field.default)):
                out[field.name] = parse_value(text) if text else None
        return out

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        changed = self.changed()
        found = problems(self.model, {**self.current, **changed})
        for field in self.fields:
            self.query_one(f"#problem-{field.name}", Static).update(
                Content(clean_line(found.get(field.name, "")))
            )
        if found:
            first = next(iter(found))
            if self.query(f"#field-{first}"):
                self.query_one(f"#field-{first}", Input).focus()
            return
        self.dismiss(changed)

    def action_cancel(self) -> None:
        self.dismiss(None)
