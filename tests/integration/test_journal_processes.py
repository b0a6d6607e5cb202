"""Kept changes belong to one process and one storage: real processes on one journal folder,
real locks, the files a hostile or careless user could leave (#31)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from naetra_tui.builtin.storage.postgres import PostgresStorage
from naetra_tui.builtin.storage.redis import RedisStorage
from naetra_tui.builtin.storage.sqlite import SQLiteStorage
from naetra_tui.services.journal import Journal, journal_path_for

TERMINAL = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from naetra_tui.services.journal import Journal

    base, key, stay = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "stay"
    journal = Journal(base)
    adopted = journal.adopt()
    entry = {"key": key, "deleted": False, "value": {"v": 1}, "base_known": False, "base": None,
             "since": time.time()}
    journal.save([e.model_dump() for e in adopted] + [entry])
    journal.forget_adopted()
    print(json.dumps(sorted(e.key for e in adopted)), flush=True)
    if stay:
        sys.stdin.readline()  # a terminal that is still open
    # no close(): as if killed; the OS frees the lock
    """
)


def terminal(base: Path, key: str, stay: bool) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", TERMINAL, str(base), key, "stay" if stay else "exit"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, "the terminal process said nothing"
    return process, json.loads(line)


def test_two_terminals_keep_their_own_changes_and_a_dead_ones_are_adopted_once(tmp_path: Path) -> None:
    base = journal_path_for("sqlite /tmp/shared.db", tmp_path)
    first, adopted = terminal(base, "wl/Default/sym/AAA", stay=True)
    assert adopted == []
    second, adopted = terminal(base, "wl/Default/sym/BBB", stay=True)
    assert adopted == []  # the first terminal is open: its changes are its own
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    third, adopted = terminal(base, "wl/Default/sym/CCC", stay=False)
    third.wait(10)
    assert adopted == ["wl/Default/sym/AAA"]  # the killed one's, not the open one's
    assert second.stdin is not None
    second.stdin.write("\n")
    second.stdin.flush()
    second.wait(10)
    last = Journal(base)
    keys = sorted(e.key for e in last.adopt())
    assert keys == ["wl/Default/sym/AAA", "wl/Default/sym/BBB", "wl/Default/sym/CCC"]  # each once


@pytest.mark.parametrize("problem", ["world-writable", "symlink", "group-writable"])
def test_a_journal_anyone_else_could_have_written_is_refused(tmp_path: Path, problem: str) -> None:
    base = journal_path_for("sqlite /tmp/x.db", tmp_path)
    planted = base.with_name(f"{base.stem}-1-0.json")
    payload = {
        "v": 1,
        "changes": [
            {
                "key": "wl/Default/sym/EVIL",
                "deleted": False,
                "value": {},
                "base_known": False,
                "base": None,
                "since": 1.0,
            }
        ],
    }
    if problem == "symlink":
        target = tmp_path / "elsewhere.json"
        target.write_text(json.dumps(payload))
        target.chmod(0o600)
        planted.symlink_to(target)
    else:
        planted.write_text(json.dumps(payload))
        planted.chmod(0o666 if problem == "world-writable" else 0o620)
    journal = Journal(base)
    assert journal.adopt() == []
    assert len(journal.problems) == 1 and str(planted) in journal.problems[0]
    assert planted.is_symlink() or planted.exists()  # left for the user to look at, not deleted


def test_each_storage_has_its_own_journal_and_no_password_decides_it() -> None:
    def redis(url: str, prefix: str = "naetra:") -> str:
        storage = RedisStorage()
        storage.settings = storage.settings.model_validate({"url": url, "prefix": prefix})
        return storage.identity

    def postgres(dsn: str) -> str:
        storage = PostgresStorage()
        storage.settings = storage.settings.model_validate({"dsn": dsn})
        return storage.identity

    redises = {
        redis("redis://127.0.0.1:6379/0"),
        redis("redis://127.0.0.1:6379/1"),
        redis("redis://127.0.0.1:6380/0"),
        redis("redis://127.0.0.1:6379/0", prefix="team:"),
        redis("redis://10.1.1.1:6379/0"),
    }
    assert len(redises) == 5
    assert redis("redis://:s3cret@127.0.0.1:6379/0") == redis("redis://:other@127.0.0.1:6379/0")
    assert "s3cret" not in redis("redis://:s3cret@127.0.0.1:6379/0")
    a, b = postgres("postgresql://u:pw@db1:5432/app"), postgres("postgresql://u:pw@db2:5432/app")
    assert a != b and "pw" not in a
    assert postgres("postgresql://u:one@db1:5432/app") == postgres("postgresql://u:two@db1:5432/app")
    one, two = SQLiteStorage(), SQLiteStorage()
    one.path, two.path = Path("/tmp/a.db"), Path("/tmp/b.db")
    assert one.identity != two.identity
    assert len({journal_path_for(i, Path("/s")) for i in redises}) == 5


def test_a_journal_file_of_ours_is_user_only(tmp_path: Path) -> None:
    journal = Journal(journal_path_for("x", tmp_path))
    journal.save(
        [
            {
                "key": "settings/theme",
                "deleted": False,
                "value": "amber",
                "base_known": False,
                "base": None,
                "since": 1.0,
            }
        ]
    )
    assert journal.path.stat().st_mode & 0o077 == 0
    assert os.path.exists(journal.path.with_suffix(".lock"))
    journal.close()
