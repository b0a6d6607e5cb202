"""The Session: the one composition root. Every front end (the app, each headless command, and
any later one) opens a Session and uses the services it holds; nothing else builds services.

Start-up runs in phases, in the app's order, so the first prices never wait on slow plugins:

1. ``open_storage``  — the storage plugin (plugin toggles and the pending-write journal live
   there), the app state on it (or a fallback, with a warning), the watchlist editor;
2. ``start_collectors`` — the data collectors, concurrently, each with its timeout;
3. ``start_market`` — the market service and the portfolio (its lots read once);
4. ``start_rest`` — every other plugin category (analyzers, LLM, the guide's own categories),
   then analysis, chat and alerts.

``start()`` runs all four; the app runs them one by one and paints between them. Once a phase
has run, the services it builds exist: reading one earlier raises :class:`SessionNotStarted`
(a programming error, never a user-facing state), so code downstream needs no ``None`` checks.
A plugin's failure never stops a phase: its record says why (see the plugin manager), and what
the user must know (storage fell back, positions unreadable) is in ``notices``.

``close()`` gives kept changes their last bounded try, then stops every plugin; safe to call
after a partial start and more than once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeVar

from ..core.errors import NaetraError

if TYPE_CHECKING:
    from ..config import LoadedConfig
    from ..core.models import PriceHistory
    from ..plugin_host.manager import PluginManager
    from .alerts import AlertBook
    from .alerts.delivery import Deliveries
    from .alerts.lease import EvaluatorLease
    from .analysis import AnalysisService
    from .chat import ChatService
    from .market import MarketService
    from .plugin_config import PluginConfigurator
    from .portfolio.performance import PerformanceReport
    from .portfolio.service import PortfolioService
    from .portfolio.valuation import PortfolioValue
    from .proposals import ProposalBook
    from .research import ResearchService
    from .state import AppState, StorageChoice
    from .watchlists import WatchlistEditor

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How long ``close()`` lets kept changes try to land before they stay in the journal (s).
LAST_TRY_TIMEOUT = 1.0
#: How long ``close()`` lets the plugins clean up (each also has its own timeout).
CLEANUP_TIMEOUT = 5.0


class Phase(IntEnum):
    """How far a Session has started; each phase includes the ones before it."""

    NEW = 0
    STORAGE = 1
    COLLECTORS = 2
    MARKET = 3
    ALL = 4


class SessionNotStarted(RuntimeError):
    """A service was read before the phase that builds it ran (a bug in the caller)."""


def make_manager(loaded: LoadedConfig, *, remember: bool = True) -> PluginManager:
    """The plugin manager of a run; its toggles are remembered in storage once it is open."""
    from ..plugin_host.manager import PluginManager
    from .state import toggle_store_for

    return PluginManager(config=loaded, toggles=toggle_store_for(loaded) if remember else None)


class Session:
    """Everything one run of naetra-tui uses: the config, the plugins and the services.

    Args:
        loaded: the loaded config.
        manager: a plugin manager made beforehand; by default one is made for ``loaded``.
        require_storage: raise ``StorageUnavailable`` instead of falling back to another
            storage when the configured one cannot start.
    """

    def __init__(
        self, loaded: LoadedConfig, manager: PluginManager | None = None, *, require_storage: bool = False
    ) -> None:
        self.loaded = loaded
        #: Refuse to start on a fallback storage (headless commands that read or write the
        #: user's records: they must never write somewhere else silently).
        self.require_storage = require_storage
        self.manager = manager if manager is not None else make_manager(loaded)
        self.phase = Phase.NEW
        #: One line each for what the user must be told (storage fell back, lots unreadable).
        self.notices: list[str] = []
        self._closed = False
        self._state: AppState | None = None
        self._storage: StorageChoice | None = None
        self._watchlists: WatchlistEditor | None = None
        self._market: MarketService | None = None
        self._portfolio: PortfolioService | None = None
        self._analysis: AnalysisService | None = None
        self._chat: ChatService | None = None
        self._alerts: AlertBook | None = None
        self.alert_deliveries: Deliveries | None = None
        self.alert_lease: EvaluatorLease | None = None
        self._proposals: ProposalBook | None = None
        self._research: ResearchService | None = None

    # --- the services, each once its phase has run -----------------------------------------

    def _built(self, service: T | None, phase: Phase) -> T:
        if service is None:
            raise SessionNotStarted(f"the session has not run its {phase.name.lower()} phase yet")
        return service

    @property
    def state(self) -> AppState:
        return self._built(self._state, Phase.STORAGE)

    @property
    def storage(self) -> StorageChoice:
        return self._built(self._storage, Phase.STORAGE)

    @property
    def watchlists(self) -> WatchlistEditor:
        return self._built(self._watchlists, Phase.STORAGE)

    @property
    def market(self) -> MarketService:
        return self._built(self._market, Phase.MARKET)

    @property
    def portfolio(self) -> PortfolioService:
        return self._built(self._portfolio, Phase.MARKET)

    @property
    def research(self) -> ResearchService:
        """News, events and option chains (built with the market service)."""
        return self._built(self._research, Phase.MARKET)

    @property
    def analysis(self) -> AnalysisService:
        return self._built(self._analysis, Phase.ALL)

    @property
    def chat(self) -> ChatService:
        return self._built(self._chat, Phase.ALL)

    @property
    def alerts(self) -> AlertBook:
        return self._built(self._alerts, Phase.ALL)

    @property
    def proposals(self) -> ProposalBook:
        return self._built(self._proposals, Phase.ALL)

    @property
    def plugin_config(self) -> PluginConfigurator:
        """Config edits that apply to the running plugins too (needs no phase)."""
        from .plugin_config import PluginConfigurator

        return PluginConfigurator(self.manager, self.loaded)

    def has(self, phase: Phase) -> bool:
        return self.phase >= phase

    # --- start-up -----------------------------------------------------------------------------

    def _enter(self, phase: Phase) -> bool:
        """Whether ``phase`` is still to run; phases run in order, each once."""
        if self._closed:
            raise SessionNotStarted("the session is closed")
        if self.phase >= phase:
            return False
        if self.phase != phase - 1:
            raise SessionNotStarted(f"phase {phase.name.lower()} needs {Phase(phase - 1).name.lower()} first")
        return True

    async def open_storage(self) -> None:
        """Phase 1. A storage that cannot start is replaced by a fallback, said in ``notices``.

        Raises:
            StorageUnavailable: with ``require_storage``, instead of the fallback.
        """
        if not self._enter(Phase.STORAGE):
            return
        from .state import open_state
        from .watchlists import WatchlistEditor

        self._state, self._storage = await open_state(
            self.loaded, self.manager, allow_fallback=not self.require_storage
        )
        self._watchlists = WatchlistEditor(self._state)
        if self._storage.warning:
            self.notices.append(self._storage.warning)
        if self._storage.pending is not None:  # kept-changes files refused or set aside
            self.notices.extend(self._storage.pending.notices)
        self.phase = Phase.STORAGE

    async def start_collectors(self) -> None:
        """Phase 2: the data collectors (a failing or hanging one is marked, the rest go on)."""
        await self.open_storage()
        if not self._enter(Phase.COLLECTORS):
            return
        await self.manager.initialize(["data_collectors"])
        self.phase = Phase.COLLECTORS

    async def start_market(self) -> None:
        """Phase 3: the market service and the portfolio with its lots."""
        await self.start_collectors()
        if not self._enter(Phase.MARKET):
            return
        from .market import MarketService
        from .portfolio.service import PortfolioService
        from .portfolio.store import PortfolioStore
        from .research import ResearchService

        app = self.loaded.config.app
        self._market = MarketService(self.manager, self.state, stale_after=app.stale_after)
        self._portfolio = PortfolioService(
            PortfolioStore(self.state),
            self._market,
            app.base_currency,
            self.loaded.config.portfolio.cost_method,
        )
        self._research = ResearchService(self._market, self.loaded.config.research.risk_free_rate)
        try:
            await self._portfolio.load()
            shown = await self.state.setting("active_portfolio", None)
            if isinstance(shown, str):
                self._portfolio.switch(shown)  # the one the user last had open
        except (NaetraError, ValueError) as exc:
            self.notices.append(f"Could not read your positions: {exc}")
        self.phase = Phase.MARKET

    async def start_rest(self) -> None:
        """Phase 4: every other plugin category, then analysis, chat and alerts."""
        await self.start_market()
        if not self._enter(Phase.ALL):
            return
        from .alerts import AlertBook
        from .alerts.delivery import Deliveries
        from .alerts.lease import EvaluatorLease
        from .analysis import AnalysisService
        from .proposals import ProposalBook

        rest = [c for c in self.loaded.config.plugins.categories() if c != "data_collectors"]
        await self.manager.initialize(rest)
        self._analysis = AnalysisService(self.manager, self.market, self.state)
        self._chat = self.new_chat()
        self.alert_deliveries = Deliveries(self.manager)
        interval = max(self.loaded.config.app.refresh_interval, self.loaded.config.alerts.watch_interval)
        self.alert_lease = EvaluatorLease(self.storage.storage, ttl=3 * interval)
        self._alerts = AlertBook(
            self.state, self.alert_history, self.alert_deliveries.deliver, self.alert_lease.held
        )
        self._proposals = ProposalBook(self.state, self._alerts, self.portfolio, self.known_symbols)
        try:
            await self._alerts.load()
        except NaetraError as exc:
            self.notices.append(f"Could not read your alerts: {exc}")
        self.phase = Phase.ALL

    async def start(self, through: Phase = Phase.ALL) -> Session:
        """Run every phase up to ``through`` (headless commands: all of them). Returns self."""
        steps: dict[Phase, Callable[[], Any]] = {
            Phase.STORAGE: self.open_storage,
            Phase.COLLECTORS: self.start_collectors,
            Phase.MARKET: self.start_market,
            Phase.ALL: self.start_rest,
        }
        if through in steps:
            await steps[through]()
        return self

    # --- what the services share ----------------------------------------------------------------

    async def alert_history(self, symbol: str) -> PriceHistory | None:
        """Two years of daily bars (cached by the market service) for the rules that read
        indicators: a 200-bar average needs its 200 bars before the first answer."""
        return await self.market.history(symbol, "1D", "2Y")

    async def known_symbols(self, symbols: list[str]) -> set[str]:
        """Those of ``symbols`` some data collector has a price for now."""
        rows = await self.market.refresh(symbols)
        return {symbol for symbol, row in rows.items() if row.quote is not None}

    async def active_watchlist(self) -> list[str]:
        """The symbols of the list the user last had open (the config's list if none is stored)."""
        app = self.loaded.config.app
        names = await self.state.watchlist_names()
        active = await self.state.setting("active_watchlist", names[0] if names else None)
        return await self.state.watchlist(active) if active else list(app.watchlist)

    async def valued_portfolio(self) -> PortfolioValue:
        """The positions read again (other terminals' edits too) and valued on fresh quotes."""
        await self.portfolio.load()
        return await self.portfolio.refresh()

    async def portfolio_performance(self, period: str) -> PerformanceReport:
        """The current portfolio's performance over ``period`` (the chat's get_performance)."""
        from .portfolio.performance import PerformanceService

        config = self.loaded.config
        await self.portfolio.load()
        service = PerformanceService(self.portfolio, self.market, config.portfolio.benchmark,
                                     config.research.risk_free_rate)  # fmt: skip
        return await service.report(period)

    def new_chat(self) -> ChatService:
        """A ChatService on the configured LLM plugin, with analysis, the watchlist and the
        positions as its context and tools (a conversation of its own)."""
        from .analysis import AnalysisService
        from .chat import ChatService

        app = self.loaded.config.app
        analysis = self._analysis or AnalysisService(self.manager, self.market, self.state)
        return ChatService(
            self.manager,
            self.market,
            analysis,
            self.state,
            provider_name=app.llm,
            model=app.llm_model,
            watchlist=self.active_watchlist,
            portfolio=self.valued_portfolio,
            research=self._research,
            performance=self.portfolio_performance,
        )

    # --- shutdown -------------------------------------------------------------------------------

    async def close(
        self, *, last_try: float = LAST_TRY_TIMEOUT, cleanup_timeout: float = CLEANUP_TIMEOUT
    ) -> None:
        """Kept changes get one last bounded try (what is left stays in the journal, logged),
        then every plugin stops. Safe after a partial start, and more than once."""
        if self._closed:
            return
        self._closed = True
        from .state import close_choice, stop_retrying

        storage = self._storage
        try:
            if self.alert_lease is not None:  # a clean stop hands the alerts over at once
                await asyncio.wait_for(self.alert_lease.release(), cleanup_timeout)
            if storage is not None:  # before the manager closes the storage plugin
                await stop_retrying(storage, last_try)
                pending = storage.pending
                if pending is not None and pending.unsaved:
                    log.warning("%s; kept in %s for the next run", pending.describe(), pending.journal)
            await asyncio.wait_for(self.manager.cleanup(), cleanup_timeout)
            if storage is not None:
                await asyncio.wait_for(close_choice(storage), cleanup_timeout)
        except Exception as exc:  # closing must never hang or raise: the user is quitting
            log.warning("cleanup at exit incomplete: %s: %s", type(exc).__name__, exc)


@asynccontextmanager
async def session_for(
    loaded: LoadedConfig,
    through: Phase = Phase.ALL,
    *,
    require_storage: bool = False,
    notify: Callable[[str], None] | None = None,
) -> AsyncIterator[Session]:
    """A Session started through ``through`` and closed on the way out, whatever happens;
    ``notify`` is told each notice once the start is done."""
    session = Session(loaded, require_storage=require_storage)
    try:
        await session.start(through)
        if notify is not None:
            for notice in session.notices:
                notify(notice)
            session.notices.clear()
        yield session
    finally:
        await session.close()


def chat_service(session: Session) -> ChatService:
    """A new conversation on the session's services (see ``Session.new_chat``)."""
    return session.new_chat()
