"""The Textual application: composes the screens and routes between them and the services.

Startup never waits on the network: the first frame shows the last session's rows (see
``snapshot.py``) or says "starting…"; after it, plugins start concurrently in a worker and
quotes fill in as collectors answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App
from textual.binding import Binding

from ..core.enums import PluginState
from ..core.errors import NaetraError
from ..core.heap import IdleCollector
from ..services.session import Phase, SessionNotStarted
from . import messages
from .palette import NaetraCommands
from .plugin_actions import PluginActions
from .portfolio_actions import PortfolioActions
from .screens.help import HelpScreen
from .screens.main import MainScreen
from .themes import DEFAULT_THEME, apply_cached_theme, apply_theme, load_themes
from .unsaved import UnsavedChanges
from .watchlist_actions import WatchlistActions
from .worker_errors import AppReportsWorkerErrors

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..config import LoadedConfig
    from ..plugin_host.manager import PluginManager, PluginRecord
    from ..services.alerts import Alert, AlertBook
    from ..services.analysis import AnalysisService
    from ..services.chat import ChatService
    from ..services.market import MarketService, QuoteRow
    from ..services.portfolio.service import PortfolioService
    from ..services.session import Session
    from ..services.state import AppState, StorageChoice
    from ..services.watchlists import WatchlistEditor
    from .snapshot import Snapshot

log = logging.getLogger(__name__)
SHUTDOWN_TIMEOUT = 1.5
#: How long analyzers and the LLM wait at start-up for the first prices to be painted (s).
FIRST_PAINT_WAIT = 2.0


class NaetraApp(
    AppReportsWorkerErrors, UnsavedChanges, PluginActions, PortfolioActions, WatchlistActions, App[int]
):
    """Composes the screens and routes their messages to the services."""

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
        self._load = load
        self.snapshot = snapshot
        self.startup_error: Exception | None = None  # why the config could not be loaded (fast start)
        self.exit_notes: list[str] = []  # said on the terminal after the screen is gone
        #: The one composition root (services/session.py); made once the config is loaded.
        self.session: Session | None = None
        self._state_ready = asyncio.Event()  # set once storage is open: edits made before wait for it
        # set once the plugins' remembered on/off choices are read (the first initialize reads
        # them): the Plugins screen opened before that would show defaults, not the user's choices
        self._plugins_known = asyncio.Event()
        if snapshot is not None and snapshot.theme:
            # before the app starts: its CSS is then built once, with this theme's colours
            apply_cached_theme(self, snapshot.theme)
        self.watchlist_name = "Default"
        self.watchlist_names: list[str] = []
        self.symbols: list[str] = []
        self.rows: dict[str, QuoteRow] = {}
        self.collector = IdleCollector()
        self.sparks: dict[str, list[float]] = {}
        self._sparks_loaded: set[str] = set()
        self._sparks_loading: set[str] = set()
        self._refreshed = asyncio.Event()  # set once the first refresh has finished
        self.theme_names: list[str] = []
        self.ready = False
        self._main_screen: MainScreen | None = None
        self._watchlist_loads = 0  # reads of the watchlist asked for: only the latest is shown

    # --- start and stop -------------------------------------------------------------------

    # The session's services, None until the phase that builds them has run (the first frame
    # is painted before any of them exists).
    def _service(self, name: str) -> Any:
        """The session's service ``name``; None before the phase that builds it has run."""
        if self.session is None:
            return None
        try:
            return getattr(self.session, name)
        except SessionNotStarted:
            return None

    @property
    def manager(self) -> PluginManager | None:
        return self.session.manager if self.session is not None else None

    @property
    def state(self) -> AppState | None:
        return self._service("state")  # type: ignore[no-any-return]

    @property
    def storage(self) -> StorageChoice | None:
        return self._service("storage")  # type: ignore[no-any-return]

    @property
    def editor(self) -> WatchlistEditor | None:
        """Watchlist edits and their undo."""
        return self._service("watchlists")  # type: ignore[no-any-return]

    @property
    def market(self) -> MarketService | None:
        return self._service("market")  # type: ignore[no-any-return]

    @property
    def portfolio(self) -> PortfolioService | None:
        return self._service("portfolio")  # type: ignore[no-any-return]

    @property
    def analysis(self) -> AnalysisService | None:
        return self._service("analysis")  # type: ignore[no-any-return]

    @property
    def chat(self) -> ChatService | None:
        return self._service("chat")  # type: ignore[no-any-return]

    @property
    def alert_book(self) -> AlertBook | None:
        return self._service("alerts")  # type: ignore[no-any-return]

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
        self.watchlist_name, self.symbols = first.watchlist, list(first.symbols)
        self.rows, self.sparks = dict(first.rows), dict(first.sparks)
        self.title = f"naetra-tui · {self.watchlist_name}"
        self._main_screen = MainScreen(first)
        return self._main_screen

    @property
    def alerts(self) -> list[Alert]:
        return self.alert_book.alerts if self.alert_book is not None else []

    async def on_mount(self) -> None:
        if self.loaded is not None:
            self._load_themes()
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)
        except (NotImplementedError, RuntimeError, ValueError):
            pass

    def on_main_screen_ready(self, message: messages.MainScreenReady) -> None:
        # after the first frame is on screen: the plugin manager (and with it numpy and the
        # models) and, on a cached start, the config load after it, not before it
        self.call_after_refresh(self._begin)

    async def _state_opened(self, timeout: float = 15.0) -> bool:
        """True once storage is open (an edit made while the app starts waits, not vanishes)."""
        if self.state is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._state_ready.wait(), timeout)
        if self.state is None:
            self.notify(
                "Storage is not open yet; the change was not saved.", severity="warning", markup=False
            )
            return False
        return True

    async def _plugins_when_loaded(self) -> None:
        await self._plugins_known.wait()
        self.action_plugins()

    def _begin(self) -> None:
        # the function, not a coroutine: a worker cancelled before it starts (quit at once)
        # then leaves no coroutine that was never awaited
        self.run_worker(self._start, group="start", exit_on_error=False)

    def _load_themes(self) -> None:
        assert self.loaded is not None
        themes, problems = load_themes()
        for theme in themes:
            self.register_theme(theme)
        self.theme_names = [t.name for t in themes]
        cached = (
            self.snapshot.theme.get("name") if self.snapshot is not None and self.snapshot.theme else None
        )
        if cached and cached not in self.theme_names:  # its file is gone or broken now: not kept
            self.set_theme(self.loaded.config.app.theme, remember=False)
            self.unregister_theme(cached)
        if self.theme not in self.theme_names or self.snapshot is None:
            self.set_theme(self.loaded.config.app.theme, remember=False)
        if problems:
            self.notify(
                "Some theme files could not be loaded:\n" + "\n".join(problems),
                severity="warning",
                markup=False,
                timeout=15,
            )

    async def _start(self) -> None:
        """The Session's phases, with the screen updated between them (see services/session.py)."""
        from ..core.heap import freeze_startup_heap
        from ..services.session import Session
        from ..services.state import describe_storage

        if self.loaded is None:
            assert self._load is not None
            try:
                # pydantic, numpy and the services are imported here, after the first paint
                self.loaded = await asyncio.to_thread(self._load)
            except Exception as exc:  # the config is invalid: said after the screen is gone
                self.startup_error = exc
                self.exit(return_code=2)
                return
            self._load_themes()
        session = self.session = Session(self.loaded)
        session.manager.subscribe(self._plugin_changed)
        app_config = self.loaded.config.app
        await session.open_storage()
        self._watch_pending()
        self._state_ready.set()
        self._say_notices(timeout=20)
        await self._restore_settings()
        await session.state.ensure_default("Default", app_config.watchlist)
        self.watchlist_names = await session.state.watchlist_names()
        if self.watchlist_name not in self.watchlist_names:
            self.watchlist_name = self.watchlist_names[0]
        session.watchlists.active = self.watchlist_name
        await self._load_watchlist()
        self._status()
        # collectors first: the watchlist fills in while analyzers and the LLM still start
        await session.start_collectors()
        self._plugins_known.set()
        freeze_startup_heap()  # before the first refresh allocates (see core/heap.py)
        await session.start_market()
        self._say_notices()
        self.action_refresh()
        # live ticks between polls from collectors that stream (Yahoo); none offline
        self.run_worker(
            functools.partial(session.market.run_streams, lambda: list(self.symbols), self._streamed),
            group="streams",
            exit_on_error=False,
        )
        # The rest starts once the first prices are on screen: starting analyzers (TA-Lib
        # imports pandas) and the LLM client alongside the refresh slowed it about threefold.
        # A slow network does not hold them back longer than FIRST_PAINT_WAIT.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._refreshed.wait(), FIRST_PAINT_WAIT)
        await session.start_rest()  # every other category, the guide's custom ones included
        self._say_notices()
        self.run_worker(session.manager.check_all_health, group="health", exit_on_error=False)
        session.manager.start_health_checks()
        if self.alerts:  # the first refresh ran before they were loaded
            self.run_worker(self._check_alerts, group="alerts", exit_on_error=False)
        freeze_startup_heap()  # analyzers and the LLM client imported more long-lived objects
        self.collector.defer()  # full collections only when the user is not waiting (core/heap.py)
        self.set_interval(1.0, self._collect_when_idle)
        self.ready = True
        self.sub_title = describe_storage(session.storage) if session.storage.warning else ""
        self.set_interval(app_config.refresh_interval, self.action_refresh)
        from .widgets.chat_panel import ChatPanel

        for screen in self.screen_stack:  # screens opened while the services were starting
            if is_symbol_screen(screen):
                screen.load_chart()
                screen.load_analysis()
            for panel in screen.query(ChatPanel):
                panel.load_history()
                panel.load_models()

    def _say_notices(self, timeout: float = 10) -> None:
        """What the Session's start-up found that the user must know, each said once."""
        if self.session is None:
            return
        for notice in self.session.notices:
            self.notify(notice, severity="warning", markup=False, timeout=timeout)
        self.session.notices.clear()

    async def _restore_settings(self) -> None:
        assert self.state is not None
        try:
            theme = await self.state.setting("theme")
            if theme:
                self.set_theme(theme, remember=False)
            self.watchlist_name = await self.state.setting("active_watchlist", "Default") or "Default"
        except NaetraError as exc:
            self.notify(f"Could not read your settings: {exc}", severity="warning", markup=False)

    async def on_unmount(self) -> None:
        if self.session is None:
            return
        if self.session.has(Phase.STORAGE) and self.session.storage.pending is not None:
            self.session.storage.pending.on_change = None  # the screen is gone: nothing to tell
        # quitting must never hang on a plugin: the Session bounds each step
        await self.session.close(last_try=0.5, cleanup_timeout=SHUTDOWN_TIMEOUT)

    # --- refresh --------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.market is not None:
            self.run_worker(self._refresh, exclusive=True, group="refresh", exit_on_error=False)

    async def _refresh(self) -> None:
        try:
            await self._refresh_rows()
        finally:
            self._refreshed.set()

    async def _refresh_rows(self) -> None:
        assert self.market is not None
        if self._refreshed.is_set() and self.state is not None:  # the first one just read the list
            await self._pick_up_other_terminals_edits()
        symbols = list(self.symbols)
        if not symbols:
            self._status()
            return
        extra = [s for s in self.portfolio_symbols() if s not in symbols]
        rows = await self.market.refresh(symbols + extra)
        shown = {s: rows[s] for s in symbols if s in rows}
        self.rows.update(shown)
        self.main_screen.show_rows(shown, self.sparks)
        await self._refresh_portfolio(set(symbols + extra))
        self._status()
        self._save_snapshot()
        # sparklines loaded this session (the snapshot's may be days old), one loader per symbol
        missing = [s for s in symbols if s not in self._sparks_loaded and s not in self._sparks_loading]
        if missing:
            self._sparks_loading.update(missing)
            self._load_sparks(missing)
        await self._check_alerts()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp):
            self.collector.activity()
        await super().on_event(event)

    def _collect_when_idle(self) -> None:
        # (the query walks the widget tree: asked only when a collection is otherwise due)
        self.collector.maybe_collect(busy=self._chat_streaming)

    def _chat_streaming(self) -> bool:
        from .widgets.chat_panel import ChatPanel

        return any(panel.busy for panel in self.screen.query(ChatPanel))

    @work(group="snapshot", exclusive=True, exit_on_error=False)
    async def _save_snapshot(self) -> None:
        """What is on screen, for the next start's first paint (see ui/snapshot.py)."""
        from .snapshot import save_quietly

        path = self.loaded.path if self.loaded is not None else None
        if path is not None:
            shown = (self.watchlist_name, list(self.symbols), dict(self.rows), dict(self.sparks))
            await asyncio.to_thread(save_quietly, path, *shown, self.get_theme(self.theme))

    def _status(self) -> None:
        if self.manager is None:
            return  # the config is still loading: the snapshot's status line stays
        from ..services.status import status_parts
        from .formatting import fmt_time

        parts = status_parts(
            collectors=self.manager.records_of("data_collectors"),
            market=self.market,
            ready=self.ready,
            shown_rows=[self.rows[s] for s in self.symbols if s in self.rows],
            all_rows=self.rows,
            storage=self.storage,
            alerts=self.alert_book.counts if self.alert_book is not None else (0, 0),
            time_text=fmt_time,
            proposals=self.pending_proposals,
        )
        self.main_screen.show_status(parts)

    # --- navigation -----------------------------------------------------------------------

    def on_open_symbol(self, message: messages.OpenSymbol) -> None:
        if is_symbol_screen(self.screen) and self.screen.symbol == message.symbol:
            return
        from .screens.symbol import SymbolScreen

        self.push_screen(SymbolScreen(message.symbol))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_plugins(self) -> None:
        from .screens.plugins import PluginsScreen

        if not self._plugins_known.is_set():  # pressed while starting: open once choices are read
            self.run_worker(self._plugins_when_loaded, group="plugins-screen", exclusive=True)
            return

        if not isinstance(self.screen, PluginsScreen):
            self.push_screen(PluginsScreen())

    def action_chat(self) -> None:
        from .screens.chat import ChatScreen

        if is_symbol_screen(self.screen):
            self.screen.action_focus_chat()
            return
        if not isinstance(self.screen, ChatScreen):
            symbol = self.main_screen.table.current_symbol() if self.screen is self.main_screen else None
            self.push_screen(ChatScreen(symbol))

    # --- themes ---------------------------------------------------------------------------

    def set_theme(self, name: str, remember: bool = True) -> None:
        name = apply_theme(self, name)  # an unknown or unusable theme: the default, said once
        if remember and self.state is not None:
            self.run_worker(self.state.set_setting("theme", name), group="settings", exit_on_error=False)
        if self._main_screen is not None and self._main_screen.is_mounted:
            self.main_screen.table.refresh_cells()  # up/down colours come from the theme

    def action_next_theme(self) -> None:
        names = self.theme_names or [DEFAULT_THEME]
        current = names.index(self.theme) if self.theme in names else -1
        self.set_theme(names[(current + 1) % len(names)])
        self.notify(f"Theme: {self.theme}", markup=False, timeout=2)

    def updown_colours(self) -> tuple[str, str]:
        if os.environ.get("NO_COLOR"):
            return "", ""
        theme = self.get_theme(self.theme)
        if theme is None:
            return "green", "red"
        return theme.success or "green", theme.error or "red"

    # --- plugins --------------------------------------------------------------------------

    def _plugin_changed(self, record: PluginRecord) -> None:
        screen = self.screen
        if _is_open(screen, "plugins", "PluginsScreen"):
            screen.refresh_rows()
        if (
            record.category == "analyzers"
            and is_symbol_screen(screen)
            and record.state is not PluginState.STARTING
        ):
            screen.plugins_changed()
        if self._main_screen is not None and self.ready:
            self._status()


def _is_open(screen: object, module: str, class_name: str) -> bool:
    """Is ``screen`` a ``screens.<module>.<class_name>``, without importing that module (the
    symbol view's chart and chat widgets cost ~60 ms at start-up): a screen whose module is
    not loaded yet cannot be open."""
    loaded = sys.modules.get(f"{__package__}.screens.{module}")
    return loaded is not None and isinstance(screen, getattr(loaded, class_name))


def is_symbol_screen(screen: object) -> bool:
    return _is_open(screen, "symbol", "SymbolScreen")
