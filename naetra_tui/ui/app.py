"""The Textual application: composes the screens and routes between them and the services.

Startup never waits on the network: the first frame shows the last session's rows (see
``snapshot.py``) or says "starting…"; after it, plugins start concurrently in a worker and
quotes fill in as collectors answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App
from textual.binding import Binding

from ..core.heap import IdleCollector
from ..services.session import Phase
from . import messages
from .controllers.alerts import AlertsController
from .controllers.plugins import PluginsController
from .controllers.portfolio import PortfolioController
from .controllers.proposals import ProposalsController
from .controllers.startup import StartController
from .controllers.unsaved import UnsavedController
from .controllers.watchlist import WatchlistController
from .palette import NaetraCommands
from .screens.help import HelpScreen
from .screens.main import MainScreen
from .themes import DEFAULT_THEME, apply_cached_theme, apply_theme
from .worker_errors import WorkerFailed, failure_of, report_failure

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.worker import Worker

    from ..config import LoadedConfig
    from ..services.session import Session
    from .snapshot import Snapshot

log = logging.getLogger(__name__)
SHUTDOWN_TIMEOUT = 1.5


class NaetraApp(App[int]):
    """Owns the Session, composes the screens, and routes their messages to the controllers
    (``ui/controllers/``) that do each job."""

    TITLE = "naetra-tui"
    COMMANDS = App.COMMANDS | {NaetraCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark,f1", "help", "Help"),
        Binding("p", "plugins", "Plugins"),
        Binding("c", "chat", "Chat"),
        Binding("r", "refresh", "Refresh"),
        Binding("t", "next_theme", "Theme", show=False),
    ]

    def __init__(
        self,
        loaded: LoadedConfig | None = None,
        *,
        load: Callable[[], LoadedConfig] | None = None,
        snapshot: Snapshot | None = None,
    ) -> None:
        """``loaded``: a loaded config. Or ``load``: how to load it, called after the first
        paint (which then shows ``snapshot``, the rows the last session showed, if any)."""
        super().__init__()
        if loaded is None and load is None:
            raise ValueError("NaetraApp needs a loaded config or a way to load one")
        self.loaded = loaded
        self.load_config = load
        self.snapshot = snapshot
        self.startup_error: Exception | None = None  # why the config could not be loaded (fast start)
        self.exit_notes: list[str] = []  # said on the terminal after the screen is gone
        #: The one composition root (services/session.py); made once the config is loaded.
        self.session: Session | None = None
        if snapshot is not None and snapshot.theme:
            # before the app starts: its CSS is then built once, with this theme's colours
            apply_cached_theme(self, snapshot.theme)
        self.watchlist = WatchlistController(self)
        self.positions = PortfolioController(self)
        self.alert_rules = AlertsController(self)
        self.plugin_edits = PluginsController(self)
        self.unsaved = UnsavedController(self)
        self.proposals = ProposalsController(self)
        self.startup = StartController(self)
        self.collector = IdleCollector()
        self.theme_names: list[str] = []
        self.ready = False
        self._main_screen: MainScreen | None = None

    # --- the session ----------------------------------------------------------------------

    def opened_session(self, phase: Phase = Phase.STORAGE) -> Session:
        """The Session, for work that only runs once its ``phase`` has (a bug otherwise)."""
        session = self.session_at(phase)
        if session is None:
            raise RuntimeError(f"the session has not run its {phase.name.lower()} phase yet")
        return session

    def session_at(self, phase: Phase) -> Session | None:
        """The Session if its ``phase`` has run (a screen opened while starting shows less)."""
        session = self.session
        return session if session is not None and session.has(phase) else None

    # --- start and stop -------------------------------------------------------------------

    @property
    def main_screen(self) -> MainScreen:
        assert self._main_screen is not None, "the app has not started"
        return self._main_screen

    def get_default_screen(self) -> MainScreen:
        # The watchlist is the app's first screen, so the cached rows go into its first frame:
        # pushed from on_mount instead, a blank frame was painted first and the rows a frame later.
        from .snapshot import first_frame

        path = self.loaded.path if self.loaded is not None else None
        defaults = list(self.loaded.config.app.watchlist) if self.loaded is not None else []
        first = first_frame(self.snapshot, path, defaults)
        self.watchlist.show_first(first)
        self._main_screen = MainScreen(first)
        return self._main_screen

    async def on_mount(self) -> None:
        if self.loaded is not None:
            self.startup.load_themes()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)

    def on_main_screen_ready(self, message: messages.MainScreenReady) -> None:
        # after the first frame is on screen: the plugin manager (and with it numpy and the
        # models) and, on a cached start, the config load after it, not before it.
        # The function, not a coroutine: a worker cancelled before it starts (quit at once)
        # then leaves no coroutine that was never awaited.
        self.call_after_refresh(self.startup.run, "start", self.startup.run_phases)

    async def on_unmount(self) -> None:
        if self.session is None:
            return
        self.unsaved.unwatch()
        # quitting must never hang on a plugin: the Session bounds each step
        await self.session.close(last_try=0.5, cleanup_timeout=SHUTDOWN_TIMEOUT)

    async def action_quit(self) -> None:
        await self.unsaved.quit()

    # --- refresh and what is on screen ----------------------------------------------------

    def action_refresh(self) -> None:
        if self.session is not None and self.session.has(Phase.MARKET):
            self.watchlist.run("refresh", self._refresh, exclusive=True)

    async def _refresh(self) -> None:
        try:
            await self.watchlist.refresh(first=not self.startup.refreshed.is_set())
        finally:
            self.startup.refreshed.set()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp):
            self.collector.activity()
        await super().on_event(event)

    def collect_when_idle(self) -> None:
        # (the query walks the widget tree: asked only when a collection is otherwise due)
        self.collector.maybe_collect(busy=self._chat_streaming)

    def _chat_streaming(self) -> bool:
        from .widgets.chat_panel import ChatPanel

        return any(panel.busy for panel in self.screen.query(ChatPanel))

    @work(group="snapshot", exclusive=True, exit_on_error=False)
    async def save_snapshot(self) -> None:
        """What is on screen, for the next start's first paint (see ui/snapshot.py)."""
        from .snapshot import save_quietly

        path = self.loaded.path if self.loaded is not None else None
        if path is not None:
            shown = self.watchlist
            parts = (shown.name, list(shown.symbols), dict(shown.rows), dict(shown.sparks))
            await asyncio.to_thread(save_quietly, path, *parts, self.get_theme(self.theme))

    def show_status(self) -> None:
        session = self.session
        if session is None:
            return  # the config is still loading: the snapshot's status line stays
        from ..services.status import status_parts
        from .formatting import fmt_time

        shown = self.watchlist
        parts = status_parts(
            collectors=session.manager.records_of("data_collectors"),
            market=session.market if session.has(Phase.MARKET) else None,
            ready=self.ready,
            shown_rows=[shown.rows[s] for s in shown.symbols if s in shown.rows],
            all_rows=shown.rows,
            storage=session.storage if session.has(Phase.STORAGE) else None,
            alerts=self.alert_rules.counts,
            time_text=fmt_time,
            proposals=self.proposals.pending,
        )
        self.main_screen.show_status(parts)

    # --- workers --------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        failed = failure_of(event)
        if failed is not None:
            report_failure(self, *failed)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        report_failure(self, message.group, message.error)

    # --- what screens ask (ui/messages.py), each to the controller that does it ------------

    @on(messages.WatchlistRequest)
    def _watchlist_request(self, request: messages.WatchlistRequest) -> None:
        request.apply(self.watchlist)

    @on(messages.AlertRequest)
    def _alert_request(self, request: messages.AlertRequest) -> None:
        request.apply(self.alert_rules)

    @on(messages.LotRequest)
    def _lot_request(self, request: messages.LotRequest) -> None:
        request.apply(self.positions)

    @on(messages.ProposalRequest)
    def _proposal_request(self, request: messages.ProposalRequest) -> None:
        request.apply(self.proposals)

    @on(messages.PluginRequest)
    def _plugin_request(self, request: messages.PluginRequest) -> None:
        request.apply(self.plugin_edits)

    def on_open_symbol(self, message: messages.OpenSymbol) -> None:
        from .screens.symbol import SymbolScreen

        if not (isinstance(self.screen, SymbolScreen) and self.screen.symbol == message.symbol):
            self.push_screen(SymbolScreen(message.symbol))

    # --- keys -----------------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_plugins(self) -> None:
        from .screens.plugins import PluginsScreen

        if not self.startup.plugins_known.is_set():  # pressed while starting: open once choices are read
            self.plugin_edits.run("plugins-screen", self._plugins_when_loaded, exclusive=True)
        elif not isinstance(self.screen, PluginsScreen):
            self.push_screen(PluginsScreen())

    async def _plugins_when_loaded(self) -> None:
        await self.startup.plugins_known.wait()
        self.action_plugins()

    def action_chat(self) -> None:
        from .screens.chat import ChatScreen
        from .screens.symbol import SymbolScreen

        if isinstance(self.screen, SymbolScreen):
            self.screen.action_focus_chat()
        elif not isinstance(self.screen, ChatScreen):
            symbol = self.main_screen.table.current_symbol() if self.screen is self.main_screen else None
            self.push_screen(ChatScreen(symbol))

    # --- themes ---------------------------------------------------------------------------

    def set_theme(self, name: str, remember: bool = True) -> None:
        name = apply_theme(self, name)  # an unknown or unusable theme: the default, said once
        if remember and self.session is not None and self.session.has(Phase.STORAGE):
            setting = self.session.state.set_setting("theme", name)
            self.run_worker(setting, group="settings", exit_on_error=False)
        if self._main_screen is not None and self._main_screen.is_mounted:
            self.main_screen.table.refresh_cells()  # up/down colours come from the theme

    def action_next_theme(self) -> None:
        names = self.theme_names or [DEFAULT_THEME]
        current = names.index(self.theme) if self.theme in names else -1
        self.set_theme(names[(current + 1) % len(names)])
        self.notify(f"Theme: {self.theme}", markup=False, timeout=2)
