"""UI figures (headless Textual): start-up, watchlist updates, chart rendering, loop stalls,
memory, chat streaming and plugin toggling. Prints figures; never fails.

Run: python benchmarks/ui.py [--minutes 1] [--only chat ...]   (the issue's memory figure uses --minutes 10)
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # benchmarks/, tests/fakes; naetra_tui is the installed one

from benchmarks.probe import LagProbe  # noqa: E402

CHILD = """
import asyncio, sys, time
sys.path.append({root!r})
from textual.screen import Screen
painted = []  # when each frame was painted
_refresh = Screen._compositor_refresh
def _recorded(self):
    _refresh(self)
    painted.append(time.perf_counter())
Screen._compositor_refresh = _recorded
def wall(moment):  # the parent's clock
    return time.time() - (time.perf_counter() - moment)
async def first_paint_after(moment, pilot):
    while not any(t > moment for t in painted):
        await asyncio.sleep(0.001)
    return min(t for t in painted if t > moment)
mode = {mode!r}
if mode == "bare":
    from textual.app import App
    from textual.widgets import DataTable
    class Bare(App):
        def compose(self):
            yield DataTable()
        def on_mount(self):
            t = self.query_one(DataTable)
            t.add_columns("symbol", "last")
            for i in range(7):
                t.add_row(f"S{{i}}", str(i))
            self.filled = time.perf_counter()
    async def main():
        app = Bare()
        async with app.run_test(size=(120, 30)) as pilot:
            while not hasattr(app, "filled"):
                await asyncio.sleep(0.001)
            shown = await first_paint_after(app.filled, pilot)
            print(wall(shown), wall(painted[0]), "bare", flush=True)
    asyncio.run(main())
else:
    # as the naetra-tui command starts: from the last session's snapshot if there is one
    from pathlib import Path
    from naetra_tui.cli.bootstrap import bootstrap_app
    bootstrap_app()  # as the naetra-tui command does before the app starts
    from naetra_tui.ui.app import NaetraApp
    from naetra_tui.ui.snapshot import load_snapshot, snapshot_file
    config = Path({config!r})
    def load():
        from naetra_tui.config import load_config
        return load_config(config)
    from naetra_tui.ui.screens.main import MainScreen
    filled = []  # when the table was first given a row with a price for every symbol
    _show_rows = MainScreen.show_rows
    def _recorded_rows(self, rows, sparks):
        _show_rows(self, rows, sparks)
        data, symbols = self.table.rows_data, self.table.symbols
        if symbols and all(getattr(data.get(s), "quote", None) is not None for s in symbols):
            filled.append(time.perf_counter())
    MainScreen.show_rows = _recorded_rows
    snapshot = load_snapshot(config)
    async def main():
        app = NaetraApp(load=load, snapshot=snapshot) if snapshot else NaetraApp(load())
        async with app.run_test(size=(120, 30)) as pilot:
            while not filled:
                await asyncio.sleep(0.001)
            shown = await first_paint_after(filled[0], pilot)
            print(wall(shown), wall(painted[0]), "cached" if snapshot else "fresh", flush=True)
            while not (app.ready and snapshot_file(config).exists()):  # for the next start
                await asyncio.sleep(0.01)
    asyncio.run(main())
"""


FAKE_OLLAMA = [sys.executable, "-m", "tests.fakes.ollama_server"]


def config_text(
    tmp: Path,
    collectors: str,
    watchlist: str = "[AAPL, MSFT, NVDA, SPY, '^GSPC', BTC-USD, EURUSD=X]",
    refresh: int = 3600,
    db: str = "ui.db",
) -> str:
    """Each stage passes its own ``db``: a stored watchlist outlives its config (the app keeps
    the user's edits), so a shared file would hand one stage the previous stage's symbols."""
    return (
        f"app:\n  watchlist: {watchlist}\n  refresh_interval: {refresh}\n  storage: sqlite\n"
        f"plugins:\n  data_collectors:\n{collectors}"
        "  analyzers:\n    - {name: technical, plugin: technical}\n"
        "  llm:\n    - {name: ollama, plugin: ollama, config: {api_url: 'http://127.0.0.1:1'}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp}/{db}'}}}}\n"
    )


STARTS = 10  # of each app; five gave ratios from x1.08 to x1.37 in one hour on one machine


def cold_start(tmp: Path) -> None:
    config = tmp / "start.yaml"
    config.write_text(
        config_text(
            tmp, "    - {name: simulated, plugin: simulated, config: {invent_unknown: true}}\n", db="start.db"
        )
    )
    # The installed package, byte-compiled as pip leaves it (a run that skipped it would
    # compile ours on every start instead).
    import naetra_tui

    compileall.compile_dir(str(Path(naetra_tui.__file__).parent), quiet=1)
    times: dict[str, list[float]] = {"bare": [], "fresh": [], "cached": []}
    first_frames: dict[str, list[float]] = {"bare": [], "fresh": [], "cached": []}
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}  # the snapshot of these runs only
    for _ in range(STARTS + 1):  # alternating, so both see the same machine; the first naetra run is uncached
        for mode in ("bare", "naetra"):
            spawned = time.time()  # wall clock: the child reports its paint on the same clock
            done = subprocess.run(
                [sys.executable, "-c", CHILD.format(root=str(ROOT), mode=mode, config=str(config))],
                check=True,
                capture_output=True,
                text=True,
                env=env,
                cwd=tmp,  # not the checkout: `python -c` would import its source, not the install
            )
            # from spawning the process to the first frame painted after the rows had data
            painted, first_frame, kind = done.stdout.split()[-3:]
            times[kind].append((float(painted) - spawned) * 1000)
            first_frames[kind].append((float(first_frame) - spawned) * 1000)
    bare, cached = float(np.median(times["bare"])), float(np.median(times["cached"]))
    # each start against the bare start just before it: this machine's speed drifts by minutes
    paired = float(np.median([c / b for c, b in zip(times["cached"], times["bare"][1:], strict=True)]))
    fresh = ", ".join(f"{t:.0f}" for t in times["fresh"])
    fresh_frame = ", ".join(f"{t:.0f}" for t in first_frames["fresh"])
    print(
        f"(a) cold start to first paint with data: naetra-tui {cached:.0f} ms (median of {len(times['cached'])} "
        f"starts painting the last session's rows), bare Textual DataTable app {bare:.0f} ms, "
        f"ratio x{cached / bare:.2f}, median of paired ratios x{paired:.2f} (target <= 1.3); "
        f"a first start with nothing cached: {fresh} ms (x{times['fresh'][0] / bare:.2f}; its first frame, "
        f"the watchlist's rows still loading, at {fresh_frame} ms)"
    )


async def watchlist_update(tmp: Path) -> None:
    from naetra_tui.config import load_config
    from naetra_tui.services.market import QuoteRow
    from naetra_tui.ui.app import NaetraApp
    from naetra_tui.ui.formatting import fmt_price

    symbols = [f"S{i:03d}" for i in range(500)]
    config = tmp / "wl.yaml"
    config.write_text(
        config_text(
            tmp,
            "    - {name: simulated, plugin: simulated, config: {invent_unknown: true}}\n",
            watchlist="[" + ", ".join(symbols) + "]",
            db="watchlist.db",
        )
    )
    app = NaetraApp(load_config(config))
    async with app.run_test(size=(160, 50)) as pilot:
        deadline = time.monotonic() + 90
        while not (
            app.ready
            and all(s in app.watchlist.rows for s in app.watchlist.symbols)
            and len(app.watchlist.sparks) >= len(symbols)
        ):
            if time.monotonic() > deadline:
                break  # measure anyway
            await pilot.pause(0.05)  # sparklines loaded: measure the update alone
        await pilot.pause(0.5)
        assert app.watchlist.symbols == symbols, "the 500-symbol watchlist"
        screen = app.main_screen
        table = screen.table
        samples = []
        for step in range(20):
            rows = {s: QuoteRow(s, moved_quote(r.quote, step)) for s, r in app.watchlist.rows.items()}
            start = time.perf_counter()
            # The update's whole work, synchronously: new cells, then the frame Textual would
            # paint on its next tick (the changed lines rendered, composited, written to the
            # driver). Waiting for that tick with pilot.pause() would add up to a frame of
            # timer latency and the pilot's own 20 ms idle polling, which are not work.
            screen.show_rows(rows, app.watchlist.sparks)
            screen._dirty_widgets.add(table)
            screen._on_timer_update()
            samples.append((time.perf_counter() - start) * 1000)
            await pilot.pause()
            assert table.get_cell(symbols[0], "last").plain == fmt_price(rows[symbols[0]].quote.price)
    print(
        f"(b) 500-row watchlist, every price changed: median {np.median(samples):.1f} ms per update "
        f"(cells and the painted frame), worst {max(samples):.1f} ms (target <= 16 ms)"
    )


def moved_quote(quote, step: int):
    """What a real refresh changes: price (so change and change %), volume, day range."""
    price = quote.price * (1.001 + step / 1000)
    return quote.model_copy(
        update={
            "price": price,
            "volume": (quote.volume or 0) + 100 * (step + 1),
            "day_high": max(quote.day_high or price, price),
        }
    )


def chart_render() -> None:
    import plotext as plt

    from naetra_tui.core.normalize import history_from_arrays
    from naetra_tui.ui.widgets.chart import ChartOptions, draw_price

    n = 1260
    rng = np.random.default_rng(1)
    close = 100 * np.exp(np.cumsum(rng.standard_normal(n) * 0.01))
    opens = np.concatenate(([close[0]], close[:-1]))
    stamps = (np.datetime64("2021-01-04") + np.arange(n)).astype("datetime64[s]")
    history = history_from_arrays(
        "X",
        "1D",
        stamps,
        {
            "open": opens,
            "high": np.maximum(opens, close) * 1.01,
            "low": np.minimum(opens, close) * 0.99,
            "close": close,
            "volume": np.ones(n),
        },
        source="b",
    )
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        plt.clear_figure()
        plt.plotsize(120, 30)
        draw_price(plt, history, ChartOptions(kind="candles", overlays={"sma", "bb"}), "X 5Y")
        plt.build()
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"(c) 5-year daily candlestick chart with SMA + Bollinger, 120x30: median {np.median(samples):.1f} ms (target <= 50 ms)"
    )


async def stall_and_memory(tmp: Path, minutes: float) -> None:
    from naetra_tui.config import load_config
    from naetra_tui.ui.app import NaetraApp

    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.yahoo_server", "--delay", "0.5"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        url = server.stdout.readline().strip()
        symbols = "[" + ", ".join(f"S{i:03d}" for i in range(100)) + "]"
        collectors = f"    - {{name: yahoo_finance, plugin: yahoo_finance, config: {{base_url: '{url}'}}}}\n"
        config = tmp / "slow.yaml"
        config.write_text(config_text(tmp, collectors, watchlist=symbols, refresh=2, db="stall.db"))
        app = NaetraApp(load_config(config))
        async with app.run_test(size=(140, 40)) as pilot:
            while not app.ready:
                await pilot.pause(0.05)
            async with LagProbe() as probe:
                await pilot.pause(6)  # three refreshes of 100 symbols from a source that answers after 500 ms
            print(
                f"(d) longest event-loop stall while 100 symbols refresh from a slow source: {probe.worst_ms:.1f} ms (target <= 20 ms)"
            )
            first = rss_mib()
            deadline = time.monotonic() + minutes * 60
            samples = [first]
            while time.monotonic() < deadline:
                await pilot.pause(10)
                samples.append(rss_mib())
            print(
                f"(e) resident memory with 100 symbols live, refresh every 2 s: {first:.0f} MiB at start, "
                f"{samples[-1]:.0f} MiB after {minutes:g} min (max {max(samples):.0f}; target <= 150 MiB, not growing)"
            )
    finally:
        server.kill()


async def conversation_scrolling(pilot, panel) -> None:
    """A 20,000-token conversation in the panel: the longest loop stall while paging through it."""
    from textual import events

    from naetra_tui.core.models import ChatMessage

    words = 0
    for turn in range(20):
        await panel._mount_message(ChatMessage(role="user", content=f"question {turn}"))
        paragraphs = [
            " ".join(f"word{turn}_{p}_{i}" for i in range(100)) + " **bold** and `code`." for p in range(10)
        ]
        words += 10 * 103
        await panel._mount_message(ChatMessage(role="assistant", content="\n\n".join(paragraphs)))
    box = panel.query_one("#messages")
    box.focus()
    await pilot.pause(0.5)
    keys = ["home"] + ["pagedown"] * 40 + ["end"] + ["pageup"] * 40
    lowest = 0.0  # how far down the keys took the view (a check that they scrolled at all)
    async with LagProbe() as probe:
        for key in keys:
            # as a terminal delivers a held key (~30 a second), through the driver; not
            # pilot.press, which afterwards queues a callback on every widget on the screen
            # (~450 here) and waits for each: a burst the probe counted as the app's stall
            pilot.app._driver.send_message(events.Key(key, None))
            await asyncio.sleep(1 / 30)
            lowest = max(lowest, box.scroll_y)
    await pilot.pause()
    print(
        f"chat: a {words:,}-word conversation ({len(keys)} page keys): longest loop stall while scrolling "
        f"{probe.worst_ms:.1f} ms (target <= 50 ms; the view went down to line {lowest:.0f} of "
        f"{box.max_scroll_y} and back to {box.scroll_y:.0f}; {probe.gc_summary()})"
    )


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def chat_streaming(tmp: Path) -> None:

    answer = " ".join(f"w{i}" for i in range(2000))  # the worst case: one 2,000-word paragraph
    # what models write: paragraphs of ~80 words (same token count)
    prose = "".join(f"w{i}" + ("\n\n" if i % 80 == 79 else " ") for i in range(2000))
    # ...and what they write about markets: a paragraph, then a list of five points (same count)
    listed = "".join(
        f"w{i}"
        + (
            "\n\n- "
            if i % 80 == 39
            else "\n\n"
            if i % 80 == 79
            else "\n- "
            if i % 8 == 7 and i % 80 > 39
            else " "
        )
        for i in range(2000)
    )
    # Ollama is another process: so is the fake (in this process its thread competed for the GIL)
    server = subprocess.Popen(
        [*FAKE_OLLAMA, "--tokens-per-second", "200", "--script", json.dumps([answer, prose, listed])],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        url = server.stdout.readline().strip()
        await _chat_streaming(tmp, url, server)
    finally:
        server.kill()


async def _chat_streaming(tmp: Path, url: str, server: subprocess.Popen) -> None:
    from naetra_tui.config import load_config
    from naetra_tui.ui.app import NaetraApp
    from naetra_tui.ui.widgets.chat_panel import ChatPanel

    config = tmp / "chat.yaml"
    config.write_text(
        config_text(
            tmp, "    - {name: simulated, plugin: simulated, config: {invent_unknown: true}}\n", db="chat.db"
        ).replace("http://127.0.0.1:1", url)
    )
    app = NaetraApp(load_config(config))
    async with app.run_test(size=(160, 50)) as pilot:
        while not app.ready:
            await pilot.pause(0.05)
        await pilot.press("c")
        await pilot.pause(0.5)  # the chat screen opened: the probes measure streaming
        panel = app.screen.query_one(ChatPanel)
        for shape in ("one 2,000-word paragraph", "paragraphs of 80 words", "paragraphs and lists"):
            panel.last_answer = ""
            async with LagProbe() as probe:
                panel.ask("stream")
                # polled cheaply: pilot.pause() walks every widget on each call
                while not panel.last_answer:  # noqa: ASYNC110
                    await asyncio.sleep(0.002)
                shown = time.perf_counter()
            last_token = float(server.stdout.readline().split()[1])
            lag = (shown - last_token) * 1000
            print(
                f"chat: 2,000 tokens at 200/s into the panel ({shape}): full answer on screen {lag:.0f} ms "
                f"after the last token (target <= 100 ms); longest loop stall {probe.worst_ms:.1f} ms "
                f"(target <= 20 ms; {probe.gc_summary()})"
            )
        await conversation_scrolling(pilot, panel)
        # toggling a plugin: how long until the Plugins screen shows the new state
        await pilot.press("escape")
        await pilot.press("p")
        table = app.screen.query_one("#plugins")
        table.move_cursor(row=[k.value for k in table.rows].index("analyzers/technical"))
        await pilot.pause()

        def state_cell() -> str:
            return str(table.get_cell("analyzers/technical", "state"))

        before = state_cell()
        from textual.screen import Screen

        painted: list[float] = []
        original = Screen._compositor_refresh

        def recorded(screen: Screen) -> None:
            original(screen)
            painted.append(time.perf_counter())

        Screen._compositor_refresh = recorded  # type: ignore[method-assign]
        changed: list[tuple[float, str]] = []

        async def watch() -> None:  # the first moment the row shows something else
            while not changed:
                if state_cell() != before:
                    changed.append((time.perf_counter(), state_cell()))
                await asyncio.sleep(0.0005)

        watcher = asyncio.create_task(watch())
        start = time.perf_counter()
        await pilot.press("space")
        await watcher
        while app.session.manager.record("analyzers", "technical").loaded:
            await pilot.pause(0.001)
        await pilot.pause()
        Screen._compositor_refresh = original  # type: ignore[method-assign]
        moment, shown = changed[0]
        frame = min((t for t in painted if t >= moment), default=float("nan"))
        print(
            f"plugin toggle: the row showed {shown!r} (was {before!r}) {(moment - start) * 1000:.1f} ms after "
            f"the key, painted {(frame - start) * 1000:.1f} ms after it (one frame is ~16 ms); the plugin was "
            f"off and shown {(time.perf_counter() - start) * 1000:.1f} ms after the key"
        )


def machine_speed() -> str:
    """A fixed pure-Python loop: this machine's speed varies by up to 2x from hour to hour, so
    every figure here is printed next to it (lower is faster)."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return f"calibration: a 5,000,000-step Python loop took {(time.perf_counter() - start) * 1000:.0f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--minutes", type=float, default=1.0, help="how long to watch memory (the target is for 10)"
    )
    parser.add_argument(
        "--only",
        choices=["start", "stall", "update", "chart", "chat"],
        action="append",
        help="run only these stages (repeatable); all by default",
    )
    args = parser.parse_args()
    # as the naetra-tui command sets it up: yfinance logs its expected misses (no crumb offline)
    logging.getLogger("yfinance").setLevel(logging.CRITICAL)
    from naetra_tui.cli.bootstrap import bootstrap_app

    bootstrap_app()  # the guarded Textual speedups, as the naetra-tui command installs them
    wanted = set(args.only or ["start", "stall", "update", "chart", "chat"])
    print(machine_speed())
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if "start" in wanted:
            cold_start(tmp)  # child processes
        if "stall" in wanted:
            # first in this process, so its memory figure is the app's, not earlier stages' leftovers
            await stall_and_memory(tmp, args.minutes)
        if "update" in wanted:
            await watchlist_update(tmp)
        if "chart" in wanted:
            chart_render()
        if "chat" in wanted:
            await chat_streaming(tmp)
    print(machine_speed())


if __name__ == "__main__":
    asyncio.run(main())
