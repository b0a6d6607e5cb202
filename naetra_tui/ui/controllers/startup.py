"""The app's start: the Session's phases in its order (``services/session.py``), with the
screen updated between them — the list from storage, then the first prices, and only then
the analyzers and the LLM. Also what each phase found that the user must be told."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from ...core.errors import NaetraError
from ...services.session import Phase, Session
from ..themes import register_themes
from .base import Controller

if TYPE_CHECKING:
    from ..app import NaetraApp

#: How long analyzers and the LLM wait at start-up for the first prices to be painted (s).
FIRST_PAINT_WAIT = 2.0


class StartController(Controller):
    """Runs the phases once; the events say how far they got."""

    def __init__(self, app: NaetraApp) -> None:
        super().__init__(app)
        self.storage_ready = asyncio.Event()  # storage is open: edits made before wait for it
        # the plugins' remembered on/off choices are read (the first initialize reads them):
        # the Plugins screen opened before that would show defaults, not the user's choices
        self.plugins_known = asyncio.Event()
        self.refreshed = asyncio.Event()  # the first refresh has finished

    async def storage_open(self, timeout: float = 15.0) -> Session | None:
        """The Session once storage is open (an edit made while the app starts waits, not
        vanishes); None, after saying the change was not saved, if it does not open in time."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.storage_ready.wait(), timeout)
        session = self.app.session_at(Phase.STORAGE)
        if session is None:
            self.app.notify(
                "Storage is not open yet; the change was not saved.", severity="warning", markup=False
            )
        return session

    def load_themes(self) -> None:
        app = self.app
        assert app.loaded is not None
        snapshot = app.snapshot
        cached = snapshot.theme.get("name") if snapshot is not None and snapshot.theme else None
        app.theme_names, switch = register_themes(app, cached if snapshot is not None else None)
        if switch:
            app.set_theme(app.loaded.config.app.theme, remember=False)

    async def run_phases(self) -> None:
        """Every phase, in order (run as the App's "start" worker, after the first paint)."""
        from ...core.heap import freeze_startup_heap
        from ...services.state import describe_storage

        app = self.app
        if app.loaded is None:
            assert app.load_config is not None
            try:
                # pydantic, numpy and the services are imported here, after the first paint
                app.loaded = await asyncio.to_thread(app.load_config)
            except Exception as exc:  # the config is invalid: said after the screen is gone
                app.startup_error = exc
                app.exit(return_code=2)
                return
            self.load_themes()
        session = app.session = Session(app.loaded)
        session.manager.subscribe(app.plugin_edits.changed)
        app_config = app.loaded.config.app
        await session.open_storage()
        app.unsaved.watch()
        self.storage_ready.set()
        self.say_notices(timeout=20)
        await self._restore_settings()
        await app.watchlist.open(app_config.watchlist)
        app.show_status()
        # collectors first: the watchlist fills in while analyzers and the LLM still start
        await session.start_collectors()
        self.plugins_known.set()
        freeze_startup_heap()  # before the first refresh allocates (see core/heap.py)
        await session.start_market()
        self.say_notices()
        app.action_refresh()
        # live ticks between polls from collectors that stream (Yahoo); none offline
        shown = app.watchlist
        self.run("streams", session.market.run_streams, lambda: list(shown.symbols), shown.streamed)
        # The rest starts once the first prices are on screen: starting analyzers (TA-Lib
        # imports pandas) and the LLM client alongside the refresh slowed it about threefold.
        # A slow network does not hold them back longer than FIRST_PAINT_WAIT.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.refreshed.wait(), FIRST_PAINT_WAIT)
        await session.start_rest()  # every other category, the guide's custom ones included
        self.say_notices()
        self.run("health", session.manager.check_all_health)
        session.manager.start_health_checks()
        if session.alerts.alerts:  # the first refresh ran before they were loaded
            self.run("alerts", app.alert_rules.check)
        freeze_startup_heap()  # analyzers and the LLM client imported more long-lived objects
        app.collector.defer()  # full collections only when the user is not waiting (core/heap.py)
        app.set_interval(1.0, app.collect_when_idle)
        app.ready = True
        app.sub_title = describe_storage(session.storage) if session.storage.warning else ""
        app.set_interval(app_config.refresh_interval, app.action_refresh)
        self._services_ready()

    def _services_ready(self) -> None:
        """Screens opened while the services were starting load what they show now."""
        from ..screens.symbol import SymbolScreen
        from ..widgets.chat_panel import ChatPanel

        for screen in self.app.screen_stack:
            if isinstance(screen, SymbolScreen):
                screen.load_chart()
                screen.load_analysis()
                screen.load_research()
            for panel in screen.query(ChatPanel):
                panel.load_history()
                panel.load_models()

    def say_notices(self, timeout: float = 10) -> None:
        """What the Session's start-up found that the user must know, each said once."""
        session = self.app.session
        if session is not None:
            for notice in session.notices:
                self.app.notify(notice, severity="warning", markup=False, timeout=timeout)
            session.notices.clear()

    async def _restore_settings(self) -> None:
        state = self.app.opened_session().state
        try:
            theme = await state.setting("theme")
            if theme:
                self.app.set_theme(theme, remember=False)
            self.app.watchlist.name = await state.setting("active_watchlist", "Default") or "Default"
        except NaetraError as exc:
            self.app.notify(f"Could not read your settings: {exc}", severity="warning", markup=False)
