"""Alerts on screen: set one (asked in a dialog), check them after each refresh and say which
fired, delete and re-arm them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...services.session import Phase
from .. import messages
from ..screens.dialogs import alert_dialog
from .base import Controller

if TYPE_CHECKING:
    from ...services.alerts import Alert, AlertBook, AlertEvent
    from ..screens.alert_dialog import AlertChoice


class AlertsController(Controller):
    """The alert book's face: every change is said, every failure too."""

    def _book(self) -> AlertBook | None:
        session = self.app.session
        return session.alerts if session is not None and session.has(Phase.ALL) else None

    @property
    def alerts(self) -> list[Alert]:
        book = self._book()
        return book.alerts if book is not None else []

    @property
    def counts(self) -> tuple[int, int]:
        book = self._book()
        return book.counts if book is not None else (0, 0)

    def add(self, symbol: str, condition: str | AlertChoice | None) -> None:
        if condition is None:
            self.app.push_screen(alert_dialog(symbol), lambda choice: self._answered(symbol, choice))
        else:
            self.run("edit", self._save, symbol, condition)

    def _answered(self, symbol: str, choice: str | AlertChoice | None) -> None:
        if choice:
            self.run("edit", self._save, symbol, choice)

    async def _save(self, symbol: str, choice: str | AlertChoice) -> None:
        from ..screens.alert_dialog import AlertChoice

        if await self.app.startup.storage_open() is None:
            return
        book = self._book()
        if book is None:
            self.app.notify("The alerts are still starting; try again in a moment.", markup=False)
            return
        wanted = choice if isinstance(choice, AlertChoice) else AlertChoice(choice)
        adding = book.add(symbol, wanted.rule, wanted.notify, wanted.cooldown)
        alert = await self.attempt(adding, "the alert was not saved")
        if alert is not None:
            self.app.notify(f"Alert set: {alert.text}", markup=False, timeout=4)
            await self.check()

    async def check(self) -> None:
        """After a refresh: the proposals waiting, then each alert against the rows on screen."""
        await self.app.proposals.count()
        book = self._book()
        if book is None or not book.alerts:
            return
        rows = self.app.watchlist.rows
        fired = await self.attempt(
            book.check(lambda s: rows[s].quote if s in rows else None), "alerts not checked"
        )
        for event in fired or []:
            self.app.notify(
                f"ALERT {event.message}",
                title="naetra-tui alert",
                severity="warning",
                markup=False,
                timeout=15,
            )
        self._changed()

    def about(self) -> str:
        """What the alerts screen says above the log: who checks, what could not be read."""
        book, session = self._book(), self.app.session
        if book is None:
            return "The alerts are still starting."
        parts = []
        if book.checked_elsewhere:
            parts.append(
                "Another process (a `naetra-tui watch`) is checking these alerts; this shows what it fired."
            )
        lease = session.alert_lease if session is not None else None
        if lease is not None and lease.note:
            parts.append(lease.note)
        if book.unreadable:
            parts.append(
                f"{len(book.unreadable)} stored alert(s) could not be read and are left as they are."
            )
        return " ".join(parts) or "Fired (newest first):"

    async def log(self) -> list[AlertEvent]:
        book = self._book()
        if book is None:
            return []
        return await self.attempt(book.log(100), "the alerts log was not read") or []

    def show(self) -> None:
        from ..screens.alerts import AlertsScreen

        self.app.push_screen(AlertsScreen())

    def delete(self, alert_id: str) -> None:
        self.run("edit", self._delete, alert_id)

    async def _delete(self, alert_id: str) -> None:
        book = self._book()
        if await self.app.startup.storage_open() is not None and book is not None:
            await self.succeeded(book.delete(alert_id), "the alert was not deleted")
        self._changed()

    def rearm(self, alert_id: str) -> None:
        self.run("edit", self._rearm, alert_id)

    async def _rearm(self, alert_id: str) -> None:
        book = self._book()
        if book is not None:
            await self.succeeded(book.rearm(alert_id), "the alert was not re-armed")
        self._changed()

    def _changed(self) -> None:
        for screen in self.app.screen_stack:
            screen.post_message(messages.AlertsChanged())
        self.app.show_status()
