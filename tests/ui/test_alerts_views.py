"""Alerts in the app (#36): the dialog tests a rule on the last year as it is typed — the count,
the dates and a chart with those days marked — before it is saved; the alert fires through the
terminal notifier (a notification and the bell) and a webhook; the alerts screen lists what
fired with each notifier's outcome; a watcher holding the lease is said."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input
from textual_plotext import PlotextPlot

from naetra_tui.ui.screens.alert_dialog import AlertDialog
from naetra_tui.ui.screens.alerts import AlertsScreen
from tests.fakes.serve import serve
from tests.ui.conftest import app_config, make_app, painted_lines, started, wait_for


def screen_text(app: Any) -> str:
    return "\n".join(painted_lines(app))


@contextmanager
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    got: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with serve(Handler) as url:
        yield url.replace("http://", "json://") + "/alerts", got


async def test_a_rule_is_tested_on_history_as_typed_then_fires_in_the_app_and_to_a_webhook(
    tmp_path: Path,
) -> None:
    with webhook() as (url, posted):
        notifiers = (
            "  notifiers:\n    - {name: terminal, plugin: terminal}\n"
            f"    - {{name: hook, plugin: apprise, config: {{url: '{url}'}}}}\n"
        )
        app = make_app(app_config(tmp_path, extra_plugins=notifiers))
        async with app.run_test(size=(140, 45), notifications=True) as pilot:
            await started(pilot, app)
            await pilot.press("exclamation_mark")
            await wait_for(pilot, lambda: isinstance(app.screen, AlertDialog))
            dialog = app.screen
            dialog.query_one("#value", Input).value = "price > sma50"
            await wait_for(pilot, lambda: dialog.tested is not None, timeout=15)
            assert dialog.tested is not None and dialog.tested.rule == "price > sma50"
            await wait_for(
                pilot, lambda: "would have fired" in screen_text(app) and "SIMULATED data" in screen_text(app)
            )
            assert dialog.query_one(PlotextPlot).display  # the price with the firing days marked
            assert len(dialog.tested.fires) >= 1
            dialog.query_one("#value", Input).value = "price > 1"
            dialog.query_one("#repeat", Input).value = "soon"
            dialog.query_one("#value", Input).focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: "repeat: 'soon' is not a duration" in screen_text(app))
            dialog.query_one("#repeat", Input).value = "1h"
            dialog.query_one("#notify", Input).value = "terminal, hook"
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: any("ALERT AAPL: price > 1" in n.message for n in app._notifications)
            )
            await wait_for(pilot, lambda: len(posted) == 1)
            [alert] = app.alert_rules.alerts
            assert alert.cooldown == 3600 and alert.notify == ("terminal", "hook") and alert.active
            assert posted[0]["title"] == "naetra-tui alert: AAPL (SIMULATED data)"
            await pilot.press("A")
            await wait_for(pilot, lambda: isinstance(app.screen, AlertsScreen))
            fired = app.screen.query_one("#fired", DataTable)
            await wait_for(pilot, lambda: fired.row_count == 1)
            row = [str(c) for c in fired.get_row_at(0)]
            assert row[1].startswith("AAPL: price > 1 (price ") and "terminal: delivered" in row[2]
            assert "hook: delivered" in row[2]
