"""Idle cost: CPU seconds the installed naetra-tui uses in 60 s on the watchlist, doing nothing.

Starts the ``naetra-tui`` command (the one beside this Python) in a pseudo-terminal with the
shipped default config and its own empty user directories, waits until the first refresh
has painted and the start-up work is over, then reads the process's CPU time (user + system,
all threads, from /proc) over the idle window. A bare Textual app with a DataTable is measured
the same way as the baseline. Prints figures; never fails.

Run: python benchmarks/idle.py [--seconds 60] [--settle 20]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

BARE = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header
class Bare(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()
    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("symbol", "last")
        for i in range(7):
            t.add_row(f"S{i}", str(i))
Bare().run()
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(command: list[str], env: dict[str, str], settle: float, seconds: float) -> float:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    stop = threading.Event()

    def drain() -> None:  # the terminal reads what the app writes, or the app would block
        while not stop.is_set():
            try:
                if not os.read(master, 65536):
                    return
            except OSError:
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        time.sleep(settle)
        start = cpu_seconds(proc.pid)
        time.sleep(seconds)
        return cpu_seconds(proc.pid) - start
    finally:
        stop.set()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.close(master)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0, help="idle window measured")
    parser.add_argument("--settle", type=float, default=20.0, help="seconds to let start-up finish first")
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("naetra-tui")
    with tempfile.TemporaryDirectory() as name:
        home = Path(name)
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_STATE_HOME": str(home / "state"),
        }
        env.pop("NAETRA_CONFIG", None)
        bare = measure([sys.executable, "-c", BARE], env, 3.0, args.seconds)
        print(f"bare Textual app, idle {args.seconds:g} s: {bare:.2f} CPU s")
        ours = measure([str(exe)], env, args.settle, args.seconds)
        print(
            f"naetra-tui (shipped config, watchlist), idle {args.seconds:g} s: {ours:.2f} CPU s "
            f"(target <= 0.1 s per 60 s; x{ours / bare if bare else float('nan'):.1f} bare)"
        )


if __name__ == "__main__":
    main()
