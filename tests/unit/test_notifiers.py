"""The built-in notifiers (#36) against what they talk to: apprise sends real requests to a local
receiver; command runs real programs; desktop talks D-Bus to a stand-in notification service
(or, without one, is degraded with the reason); terminal rings and writes a line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from naetra_tui.builtin.notifiers.apprise_notifier import AppriseNotifier
from naetra_tui.builtin.notifiers.command import CommandNotifier
from naetra_tui.builtin.notifiers.desktop import DesktopNotifier
from naetra_tui.builtin.notifiers.terminal import TerminalNotifier
from naetra_tui.core.errors import ConfigurationError, NotSupported, PluginError
from naetra_tui.core.interfaces import AlertNotice
from tests.fakes.serve import serve

HOSTILE = "AAPL \x1b[31m[bold]$(touch {marker})[/bold]; `touch {marker}` | rm -rf ~ \u202e"


def notice(message: str = "AAPL: price > 250 (price 251.2)") -> AlertNotice:
    return AlertNotice(alert_id="a1", symbol="AAPL", rule="price > 250", message=message,
                       values={"price": 251.2}, event_id="e1")  # fmt: skip


@contextmanager
def receiver(status: int = 200) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    got: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            got.append(json.loads(self.rfile.read(length)))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with serve(Handler) as url:
        yield url.replace("http://", "json://") + "/hook", got


async def test_apprise_delivers_to_a_webhook_with_the_text_cleaned() -> None:
    with receiver() as (url, got):
        plugin = AppriseNotifier()
        await plugin.initialize({"url": url})
        await plugin.notify(notice(HOSTILE.format(marker="/tmp/x")))
    assert len(got) == 1 and got[0]["title"] == "naetra-tui alert: AAPL"
    body = got[0]["message"]
    assert "\x1b" not in body and "\u202e" not in body and "$(touch /tmp/x)" in body  # text, as text


async def test_apprise_failures_are_said_without_the_urls_tokens() -> None:
    plugin = AppriseNotifier()
    with pytest.raises(ConfigurationError, match=r"does not know the URL scheme 'bogus://'"):
        await plugin.initialize({"url": "bogus://token-abc123@host"})
    with pytest.raises(ConfigurationError, match="needs a url"):
        await AppriseNotifier().initialize({"url": " , "})
    with receiver(status=500) as (url, _):
        secret = url.replace("/hook", "/hook?token=SECRET-TOKEN-42")
        plugin = AppriseNotifier()
        await plugin.initialize({"url": secret})
        with pytest.raises(PluginError) as refused:
            await plugin.notify(notice())
    said = str(refused.value)
    assert "error=500" in said and "SECRET-TOKEN-42" not in said and " - WARNING - " not in said


def script(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "program.py"
    path.write_text(body)
    return [sys.executable, str(path)]


async def test_command_gets_the_alert_as_json_on_stdin_never_through_a_shell(tmp_path: Path) -> None:
    out, marker = tmp_path / "got.json", tmp_path / "pwned"
    program = script(
        tmp_path, f"import sys, pathlib; pathlib.Path({str(out)!r}).write_text(sys.stdin.read())"
    )
    plugin = CommandNotifier()
    await plugin.initialize({"program": program})
    await plugin.notify(notice(HOSTILE.format(marker=marker)))
    got = json.loads(out.read_text())
    assert got["symbol"] == "AAPL" and got["values"] == {"price": 251.2} and got["event_id"] == "e1"
    assert f"$(touch {marker})" in got["message"] and not marker.exists()


async def test_command_faults_are_clear_and_bounded(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="the program 'no-such-program-xyz' was not found"):
        await CommandNotifier().initialize({"program": ["no-such-program-xyz"]})
    loud = CommandNotifier()  # 100 MB of output, then failure: read up to a bound, said briefly
    await loud.initialize(
        {"program": script(tmp_path, "import sys\nsys.stdout.write('x' * 100_000_000)\nsys.exit(3)")}
    )
    with pytest.raises(PluginError) as failed:
        await loud.notify(notice())
    assert "exited with 3" in str(failed.value) and len(str(failed.value)) < 400
    slow = CommandNotifier()
    await slow.initialize({"program": script(tmp_path, "import time; time.sleep(30)"), "timeout": 1})
    with pytest.raises(PluginError, match="did not finish within 1 s"):
        await slow.notify(notice())
    deaf = CommandNotifier()  # never reads its stdin, exits 0: delivered
    await deaf.initialize({"program": script(tmp_path, "pass")})
    await deaf.notify(notice())


async def test_desktop_without_a_notification_service_is_degraded_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    plugin = DesktopNotifier()
    await plugin.initialize({})
    health = await plugin.health_check()
    assert not health.healthy and "no desktop notification service" in health.detail
    with pytest.raises(NotSupported, match="no desktop notification service"):
        await plugin.notify(notice())


async def test_desktop_notifies_a_notification_service_over_dbus(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes import notification_service

    if not notification_service.available():
        pytest.skip("no dbus-daemon here: the degraded path is tested above")
    async with notification_service.notification_service() as (address, service):
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        plugin = DesktopNotifier()
        await plugin.initialize({})
        assert (await plugin.health_check()).healthy
        await plugin.notify(notice(HOSTILE.format(marker="/tmp/x")))
        await plugin.cleanup()
    [(app, summary, body)] = service.shown
    assert app == "naetra-tui" and summary == "naetra-tui alert: AAPL"
    assert "\x1b" not in body and "\u202e" not in body and "$(touch /tmp/x)" in body


async def test_terminal_rings_and_writes_one_line_headless_or_hands_the_notice_to_the_app(
    capsys: pytest.CaptureFixture[str],
) -> None:
    plugin = TerminalNotifier()
    await plugin.initialize({"bell": True})
    await plugin.notify(notice("AAPL \x1b[2J: price > 250"))
    assert capsys.readouterr().out == "\aALERT AAPL : price > 250\n"  # the escape sequence is gone
    shown: list[tuple[AlertNotice, bool]] = []
    plugin.present = lambda n, bell: shown.append((n, bell))
    await plugin.notify(notice())
    assert capsys.readouterr().out == "" and shown[0][1] is True
