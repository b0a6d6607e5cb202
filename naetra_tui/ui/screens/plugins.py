"""Plugins screen: every plugin by category, its origin, state and health, last error, redacted
config. Space toggles (enabling starts it, with its state shown live); r re-imports a user
plugin's code and restarts it (or retries a failed one)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from ...core.models import PluginState
from .. import messages
from ..formatting import clean, fmt_time, safe
from ..widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from ...plugin_host.manager import PluginManager, PluginRecord
    from ..app import NaetraApp

STATE_STYLE = {
    PluginState.READY: ("●", "green"),
    PluginState.DEGRADED: ("◐", "yellow"),
    PluginState.FAILED: ("✗", "bold red"),
    PluginState.DISABLED: ("○", "dim"),
    PluginState.STARTING: ("…", "cyan"),
}


def config_location(loaded: Any) -> tuple[Any, str]:
    """The config in use and how it was found (where edits go depends on both)."""
    return (loaded.path, loaded.found_by) if loaded is not None else (None, "")


def _config_text(location: tuple[Any, str]) -> str | None:
    """The text of the file edits go to, as it is now (None: there is none yet)."""
    from ...config.writer import writable_path

    target = writable_path(*location)
    try:
        return target.resolve().read_text(encoding="utf-8") if target.exists() else None
    except OSError:
        return None


def stats_line(category: str, name: str) -> str:
    """Calls since start: count, errors, median and 95th-percentile latency, the last error."""
    from ...core.metrics import STATS

    stats = STATS.get((category, name))
    if stats is None or not stats.calls:
        return "calls since start: none yet"
    median, p95 = stats.percentile(0.5) or 0.0, stats.percentile(0.95) or 0.0
    line = (
        f"calls since start: {stats.calls}, errors {stats.errors}, "
        f"median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )
    if stats.last_error and stats.last_error_at is not None:
        line += f"; last error at {fmt_time(stats.last_error_at)}: {clean(stats.last_error)}"
    return line


class PluginsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("space", "toggle_plugin", "Enable/disable"),
        Binding("r", "reload", "Reload"),
        Binding("u", "use_llm", "Use for chat"),
        Binding("e", "edit", "Settings"),
        Binding("a", "add_plugin", "Add"),
        Binding("K", "move(-1)", "Move up", show=False),
        Binding("J", "move(1)", "Move down", show=False),
    ]
    DEFAULT_CSS = """
    PluginsScreen DataTable { height: 1fr; }
    PluginsScreen #detail { height: 12; border-top: solid $panel; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="plugins", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="detail"):
            yield Static(Text("Select a plugin to see its details.", style="dim"), id="detail-text")
        yield KeyHints()

    @property
    def naetra(self) -> NaetraApp:
        return self.app  # type: ignore[return-value]

    @property
    def manager(self) -> PluginManager:
        """Opened only once the plugins are loaded (``App.action_plugins`` waits for that)."""
        return self.naetra.opened_session().manager

    def on_mount(self) -> None:
        self.sub_title = "Plugins"
        table = self.query_one(DataTable)
        for key, label, width in (
            ("category", "Category", 16),
            ("name", "Plugin", 16),
            ("origin", "From", 22),
            ("state", "State", 12),
            ("reason", "Reason", None),
        ):
            table.add_column(label, key=key, width=width)
        self.refresh_rows()
        table.focus()
        self.set_interval(2.0, self.refresh_rows)  # health results arrive in the background

    def on_screen_resume(self) -> None:
        self.refresh_rows()  # states may have changed while another screen was on top

    def _cells(self, record: PluginRecord) -> list[Text]:
        manager = self.manager
        mark, style = STATE_STYLE[record.state]
        state = record.state.value
        never_started = record.started_in is None and record.error is None
        if record.state is PluginState.DISABLED and never_started and manager.is_enabled(record):
            mark, style, state = "…", "cyan", "to start"  # enabled, its category not started yet
        reason = record.error or (record.health_detail if record.state is not PluginState.READY else "") or ""
        return [
            Text(record.category),
            safe(record.name, "bold"),
            safe(manager.origin(record)),
            Text(f"{mark} {state}", style=style),
            safe(reason.splitlines()[0][:200] if reason else ""),
        ]

    def refresh_rows(self) -> None:
        manager = self.manager
        table = self.query_one(DataTable)
        if not table.columns:  # a plugin changed before on_mount built the table: it fills it then
            return
        records = sorted(manager.records.values(), key=lambda r: (r.category, r.index))
        keys = [r.key for r in records]
        if [k.value for k in table.rows] != keys:
            chosen = self.selected()  # the cursor follows its plugin (K/J move it, a adds one)
            table.clear()
            for record in records:
                table.add_row(*self._cells(record), key=record.key)
            if chosen is not None and chosen.key in keys:
                table.move_cursor(row=keys.index(chosen.key))
        else:
            columns = ["category", "name", "origin", "state", "reason"]
            for record in records:
                for column, value in zip(columns, self._cells(record), strict=True):
                    if table.get_cell(record.key, column) != value:
                        table.update_cell(record.key, column, value)
        self.show_detail()

    def selected(self) -> PluginRecord | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.manager.records.get(key or "")

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        record = self.selected()
        if record is None:
            return
        text = Text()
        text.append(f"{record.key}", style="bold")
        text.append(f"  {record.state.value}\n", style=STATE_STYLE[record.state][1])
        text.append(f"from: {clean(self.manager.origin(record))}\n")
        if record.last_health:
            text.append(f"last health check: {fmt_time(record.last_health)} {clean(record.health_detail)}\n")
        if record.error:
            text.append("last error: ", style="bold red")
            text.append(clean(record.error) + "\n")
        text.append(stats_line(record.category, record.name) + "\n")
        text.append("config (secrets hidden): ", style="bold")
        text.append(clean(json.dumps(record.display_config(), default=str)))
        self.query_one("#detail-text", Static).update(text)

    def action_toggle_plugin(self) -> None:
        record = self.selected()
        if record is not None:
            # answer the key in this frame; the real state replaces it when the plugin is done
            self.show_pending(record, "stopping…" if record.loaded else "starting…")
            self.post_message(messages.TogglePlugin(record.category, record.name))

    def show_pending(self, record: PluginRecord, what: str) -> None:
        self.query_one(DataTable).update_cell(record.key, "state", Text(f"◌ {what}", style="cyan"))

    def action_reload(self) -> None:
        record = self.selected()
        if record is not None:
            self.show_pending(record, "reloading…")
            self.post_message(messages.ReloadPlugin(record.category, record.name))

    def action_use_llm(self) -> None:
        record = self.selected()
        if record is None or record.category != "llm":
            self.app.notify(
                "u picks the chat's LLM provider: select a row under llm", markup=False, timeout=4
            )
            return
        self.show_pending(record, "switching the chat…")
        self.post_message(messages.UseLLM(record.name))

    def action_edit(self) -> None:
        from ...core.errors import NaetraError
        from ...services.plugin_settings import plugin_class, setting_fields
        from .config_form import ConfigForm

        record = self.selected()
        if record is None:
            return
        try:
            model = getattr(plugin_class(record.entry, record.category), "config_model", None)
        except NaetraError as exc:
            self.app.notify(f"{record.key} cannot be configured here: {exc}", severity="error", markup=False)
            return
        fields = setting_fields(model)
        if not fields:
            self.app.notify(f"{record.key} declares no settings (no config_model)", markup=False, timeout=4)
            return
        category, name = record.category, record.name
        seen = _config_text(config_location(self.naetra.loaded))

        def saved(values: dict[str, Any] | None) -> None:
            if values:
                self.show_pending(record, "restarting…")
                self.post_message(messages.ConfigurePlugin(category, name, values, seen))

        form = ConfigForm(f"Settings of {record.key}", fields, dict(record.entry.config), model)
        self.app.push_screen(form, saved)

    def action_move(self, offset: int) -> None:
        record = self.selected()
        if record is not None:
            self.post_message(messages.MovePlugin(record.category, record.name, offset))

    def action_add_plugin(self) -> None:
        from ...plugin_host.discovery import list_installed
        from .dialogs import PickDialog

        used = {(r.category, r.entry.plugin) for r in self.manager.records.values()}
        spare = [p for p in list_installed() if (p.category, p.name) not in used]
        if not spare:
            self.app.notify("Every installed plugin is in the config already.", markup=False, timeout=4)
            return
        options = [(f"{p.category}/{p.name}", f"{p.category}/{p.name}  ({p.origin})") for p in spare]

        def chosen(value: str | None) -> None:
            if value:
                category, name = value.split("/", 1)
                self.post_message(messages.AddPlugin(category, name))

        self.app.push_screen(PickDialog("Add an installed plugin (with its defaults)", options), chosen)

    def action_back(self) -> None:
        self.app.pop_screen()
