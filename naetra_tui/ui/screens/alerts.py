"""Alerts list: every alert, armed or fired; d deletes, space re-arms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header

from .. import messages
from ..formatting import safe
from ..widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from ..app import NaetraApp


class AlertsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("d,delete", "delete", "Delete"),
        Binding("space", "rearm", "Re-arm"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="alerts", cursor_type="row")
        yield KeyHints()

    @property
    def naetra(self) -> NaetraApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.sub_title = "Alerts"
        table = self.query_one(DataTable)
        table.add_columns("Alert", "State", "Last fired")
        self.fill()
        table.focus()

    def fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for alert in self.naetra.alert_rules.alerts:
            state = Text("armed", style="green") if alert.active else Text("fired", style="bold yellow")
            table.add_row(safe(alert.text), state, safe(alert.note), key=alert.id)
        if not self.naetra.alert_rules.alerts:
            table.add_row(
                Text("No alerts: on the watchlist press ! to add one.", style="dim"), Text(""), Text("")
            )

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_delete(self) -> None:
        alert_id = self._selected()
        if alert_id:
            self.post_message(messages.DeleteAlert(alert_id))

    def action_rearm(self) -> None:
        alert_id = self._selected()
        if alert_id:
            self.post_message(messages.RearmAlert(alert_id))

    def on_alerts_changed(self, message: messages.AlertsChanged) -> None:
        self.fill()

    def action_back(self) -> None:
        self.app.pop_screen()
