"""A stand-in desktop notification service: a private D-Bus session bus (``dbus-daemon``) and
``org.freedesktop.Notifications`` on it (dbus-fast, which desktop-notifier itself uses), keeping
what it was asked to show. The real desktop-notifier talks to it over the real protocol."""

# ruff: noqa: F722, F821  (D-Bus signatures are written as annotations; D-Bus method names)

from __future__ import annotations

import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method


class Notifications(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.shown: list[tuple[str, str, str]] = []

    @method()
    def GetCapabilities(self) -> "as":
        return ["body"]

    @method()
    def GetServerInformation(self) -> ssss:
        return ["stand-in", "naetra-tests", "1.0", "1.2"]

    @method()
    def Notify(
        self,
        app_name: s,
        replaces_id: u,
        app_icon: s,
        summary: s,
        body: s,
        actions: "as",
        hints: "a{sv}",
        expire_timeout: i,
    ) -> u:
        self.shown.append((app_name, summary, body))
        return len(self.shown)

    @method()
    def CloseNotification(self, notification_id: u):
        pass


def available() -> bool:
    return shutil.which("dbus-daemon") is not None


@asynccontextmanager
async def notification_service() -> AsyncIterator[tuple[str, Notifications]]:
    """Yields (the bus address for DBUS_SESSION_BUS_ADDRESS, the service)."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    bus: Any = None
    try:
        bus = await MessageBus(bus_address=address).connect()
        service = Notifications()
        bus.export("/org/freedesktop/Notifications", service)
        await bus.request_name("org.freedesktop.Notifications")
        yield address, service
    finally:
        if bus is not None:
            bus.disconnect()
        daemon.terminate()
        daemon.wait(5)
