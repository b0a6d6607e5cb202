"""Command palette (ctrl+p): add/remove symbol, switch watchlist, theme, toggle a plugin, open
chat, refresh now, open symbol, plugins screen, help."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..services.session import Phase
from . import messages

if TYPE_CHECKING:
    from .app import NaetraApp


class NaetraCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app: NaetraApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, Callable[[], object], str]] = [
            ("Add symbol…", partial(app.post_message, messages.AddSymbol()), "add a symbol to the watchlist"),
            ("Refresh now", app.action_refresh, "fetch quotes now"),
            ("Open chat", app.action_chat, "the chat, full screen"),
            ("Plugins screen", app.action_plugins, "see and toggle plugins"),
            ("New watchlist…", partial(app.post_message, messages.NewWatchlist()), "create a watchlist"),
            ("Alerts", partial(app.post_message, messages.ShowAlerts()), "list alerts"),
            ("Help: keys", app.action_help, "every key"),
        ]
        for symbol in app.watchlist.symbols:
            out.append(
                (
                    f"Open symbol {symbol}",
                    partial(app.post_message, messages.OpenSymbol(symbol)),
                    "chart, analysis and chat",
                )
            )
            out.append(
                (
                    f"Remove symbol {symbol}",
                    partial(app.post_message, messages.RemoveSymbol(symbol)),
                    "from the watchlist (u undoes)",
                )
            )
        main = app.main_screen
        for name in app.watchlist.names:
            out.append(
                (f"Switch watchlist: {name}", partial(app.post_message, messages.SwitchWatchlist(name)), "")
            )
            out.append(
                (f"Rename watchlist: {name}…", partial(main.action_rename_list, name), "R on the list")
            )
            out.append(
                (f"Delete watchlist: {name}…", partial(main.action_delete_list, name), "asks first; u undoes")
            )
        for theme in app.theme_names:
            out.append((f"Theme: {theme}", partial(app.set_theme, theme), "remembered"))
        session = app.session_at(Phase.ALL)
        if session is not None:
            for name in session.chat.providers():
                out.append(
                    (
                        f"Chat with: {name}" + (" (answering now)" if name == session.chat.answering else ""),
                        partial(app.post_message, messages.UseLLM(name)),
                        "switch the chat's LLM provider",
                    )
                )
        records = app.session.manager.records.values() if app.session is not None else ()  # starting
        for record in records:
            out.append(
                (
                    f"Toggle plugin {record.key} ({record.state.value})",
                    partial(app.post_message, messages.TogglePlugin(record.category, record.name)),
                    "",
                )
            )
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands()[:7]:
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
