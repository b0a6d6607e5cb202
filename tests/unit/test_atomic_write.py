"""The one atomic write (core/files.py): every file the app writes goes through it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from naetra_tui.config.writer import ConfigEditor
from naetra_tui.core import files
from naetra_tui.core.files import atomic_write
from tests.conftest import write


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_user_only_and_an_existing_one_keeps_its_mode(tmp_path: Path) -> None:
    new = tmp_path / "deep" / "new.json"
    atomic_write(new, "{}")
    assert new.read_text() == "{}" and mode(new) == 0o600
    shared = write(tmp_path / "shared.txt", "old")
    shared.chmod(0o640)
    atomic_write(shared, b"new")
    assert shared.read_bytes() == b"new" and mode(shared) == 0o640


def test_a_planted_temp_symlink_is_never_written_through(tmp_path: Path) -> None:
    victim = write(tmp_path / "victim", "keep me")
    target = tmp_path / "journal.json"
    for name in (".journal.json.tmp", "journal.tmp", ".journal.json.1234.tmp"):  # names the old code used
        (tmp_path / name).symlink_to(victim)
    atomic_write(target, "data")
    assert victim.read_text() == "keep me"
    assert target.read_text() == "data" and not target.is_symlink()


def test_a_failed_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write(tmp_path / "config.yaml", "old: 1\n")

    def refuse(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", refuse)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, "new: 2\n")
    assert target.read_text() == "old: 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]


def test_the_configs_prev_keeps_a_private_configs_mode(tmp_path: Path) -> None:
    before = "plugins:\n  data_collectors:\n    - {name: sim, plugin: simulated}\n"
    config = write(tmp_path / "config.yaml", before)
    config.chmod(0o600)
    writer = ConfigEditor(config)
    writer.set_enabled("data_collectors", "sim", False)
    writer.save()
    prev = tmp_path / "config.yaml.prev"
    assert prev.read_text() == before and "enabled: false" in config.read_text()
    assert mode(prev) == 0o600 and mode(config) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "config.yaml.prev"]  # no temp left
