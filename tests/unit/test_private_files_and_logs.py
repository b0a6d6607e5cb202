"""The user's data is user-only on disk, and data cannot forge a log line (#31)."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

from naetra_tui.builtin.storage.sqlite import SQLiteStorage
from naetra_tui.cli.logging_setup import setup_logging


async def test_a_new_sqlite_database_and_its_wal_are_user_only(tmp_path: Path) -> None:
    storage = SQLiteStorage()
    await storage.initialize({"path": str(tmp_path / "new.db")})
    try:
        await storage.store("wl/Default/sym/AAPL", {"v": 1})
        files = [p for p in tmp_path.iterdir() if p.name.startswith("new.db")]
        assert {p.name for p in files} >= {"new.db", "new.db-wal"}
        assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in files), [
            oct(p.stat().st_mode) for p in files
        ]
    finally:
        await storage.cleanup()


async def test_an_existing_database_keeps_the_mode_its_owner_chose(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    storage = SQLiteStorage()
    await storage.initialize({"path": str(path)})
    await storage.cleanup()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_newline_in_data_cannot_forge_a_log_line(tmp_path: Path) -> None:
    log_file = tmp_path / "naetra.log"
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    setup_logging("INFO", log_file)
    try:
        key = "wl/x\n2026-12-07 00:00:00 CRITICAL naetra_tui: forged"
        logging.getLogger("naetra_tui.test").warning("skipped the record %s", key)
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("naetra_tui.test").exception("with a traceback")
    finally:
        for handler in list(root.handlers):
            handler.flush()
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
        for handler in before:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(level)
    lines = log_file.read_text().splitlines()
    assert not any(line.startswith("2026-12-07 00:00:00 CRITICAL") for line in lines)
    assert any("wl/x\\n2026-12-07" in line for line in lines)
    assert any(line.startswith("Traceback") for line in lines)  # tracebacks keep their lines
