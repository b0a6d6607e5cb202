"""Start and stop everything a headless command or the app needs, in the right order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import LoadedConfig
    from ..core.plugin_manager import PluginManager
    from .market import MarketService
    from .state import AppState, StorageChoice


def make_manager(loaded: LoadedConfig, *, remember: bool = True) -> PluginManager:
    """The plugin manager of a run; its toggles are remembered in storage once it is open."""
    from ..core.plugin_manager import PluginManager
    from .state import toggle_store_for

    return PluginManager(config=loaded, toggles=toggle_store_for(loaded) if remember else None)


@dataclass
class Session:
    loaded: LoadedConfig
    manager: PluginManager
    state: AppState
    storage: StorageChoice
    market: MarketService


async def open_session(loaded: LoadedConfig) -> Session:
    """Storage first (toggles live there), then every other plugin, then the services."""
    from .market import MarketService
    from .state import open_state

    manager = make_manager(loaded)
    state, choice = await open_state(loaded, manager)
    await manager.initialize()
    market = MarketService(manager, state, stale_after=loaded.config.app.stale_after)
    return Session(loaded, manager, state, choice, market)


async def close_session(session: Session) -> None:
    """Kept changes get one last try; any still unsaved are logged and stay in the journal."""
    import logging

    from .state import close_choice, stop_retrying

    await stop_retrying(session.storage)
    pending = session.storage.pending
    if pending is not None and pending.unsaved:
        logging.getLogger(__name__).warning(
            "%s; kept in %s for the next run", pending.describe(), pending.journal
        )
    await session.manager.cleanup()
    await close_choice(session.storage)


@asynccontextmanager
async def session_for(loaded: LoadedConfig) -> AsyncIterator[Session]:
    session = await open_session(loaded)
    try:
        yield session
    finally:
        await close_session(session)


def chat_service(session: Session, portfolio: Any = None) -> Any:
    """The ChatService for a session (analysis and the positions included), on the configured
    LLM plugin. ``portfolio``: the app's PortfolioService, else one of the session's own."""
    from .analysis import AnalysisService
    from .chat import ChatService
    from .portfolio.service import PortfolioService
    from .portfolio.store import PortfolioStore

    app = session.loaded.config.app
    analysis = AnalysisService(session.manager, session.market, session.state)
    positions = portfolio or PortfolioService(
        PortfolioStore(session.state), session.market, app.base_currency
    )

    async def valued() -> Any:
        await positions.load()
        return await positions.refresh()

    async def watchlist() -> list[str]:
        names = await session.state.watchlist_names()
        active = await session.state.setting("active_watchlist", names[0] if names else None)
        return await session.state.watchlist(active) if active else list(app.watchlist)

    return ChatService(
        session.manager,
        session.market,
        analysis,
        session.state,
        provider_name=app.llm,
        model=app.llm_model,
        watchlist=watchlist,
        portfolio=valued,
    )
