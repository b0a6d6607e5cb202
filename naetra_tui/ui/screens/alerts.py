"""Alerts: every alert, armed or fired (d deletes, space re-arms), and below, what fired —
when, the values that triggered it, and which notifiers delivered it or why not."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

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

    DEFAULT_CSS = """
    AlertsScreen #alerts { height: 1fr; }
    AlertsScreen #about { height: auto; padding: 0 1; color: $text-muted; }
    AlertsScreen #fired { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="alerts", cursor_type="row")
        yield Static("", id="about")
        yield DataTable(id="fired", cursor_type="row")
        yield KeyHints()

    @property
    def naetra(self) -> NaetraApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.sub_title = "Alerts"
        table = self.query_one("#alerts", DataTable)
        table.add_columns("Alert", "State", "Notifiers", "Last fired")
        self.query_one("#fired", DataTable).add_columns("When (UTC)", "What fired", "Delivered")
        self.fill()
        table.focus()

    def fill(self) -> None:
        table = self.query_one("#alerts", DataTable)
        table.clear()
        for alert in self.naetra.alert_rules.alerts:
            state = Text("armed", style="green") if alert.active else Text("fired", style="bold yellow")
            if not alert.active and alert.note == "expired":
                state = Text("expired", style="dim")
            how = alert.how_often
            to = safe(f"{', '.join(alert.notify) or 'all'} ({how})")
            when = (
                datetime.fromtimestamp(alert.fired_at, UTC).strftime("%m-%d %H:%M ") if alert.fired_at else ""
            )
            table.add_row(safe(alert.text), state, to, safe(when + alert.note), key=alert.id)
        if not self.naetra.alert_rules.alerts:
            blank = Text("")
            hint = Text("No alerts: on the watchlist press ! to add one.", style="dim")
            table.add_row(hint, blank, blank, blank)
        self.query_one("#about", Static).update(safe(self.naetra.alert_rules.about()))
        self.load_log()

    @work(exclusive=True, group="alerts-log", exit_on_error=False)
    async def load_log(self) -> None:
        events = await self.naetra.alert_rules.log()
        table = self.query_one("#fired", DataTable)
        table.clear()
        for event in events:
            when = datetime.fromtimestamp(event.at, UTC).strftime("%Y-%m-%d %H:%M")
            said = "; ".join(f"{name}: {what}" for name, what in event.deliveries.items())
            ok = all(what == "delivered" for what in event.deliveries.values())
            table.add_row(Text(when), safe(event.message), safe(said, "" if ok else "yellow"), key=event.id)

    def _selected(self) -> str | None:
        table = self.query_one("#alerts", DataTable)
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
