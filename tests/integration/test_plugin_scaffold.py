"""`naetra-tui plugin new` writes a package that installs, shows in --list-plugins and passes
its own generated tests (the contract kit) as it is (#22)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from naetra_tui.cli import main

EXE = Path(sys.executable).with_name("naetra-tui")


@pytest.mark.parametrize(
    ("category", "name"),
    [
        ("data_collectors", "my_feed"),
        ("analyzers", "my_signal"),
        ("llm", "my_model"),
        ("storage", "my_store"),
        ("notifiers", "my_pager"),
        ("alerts", "my_hook"),  # a category of the user's own (the guide's custom categories)
    ],
)
def test_a_new_plugin_installs_shows_and_passes_its_tests(tmp_path: Path, category: str, name: str) -> None:
    folder = tmp_path / "pkg"
    assert main(["plugin", "new", category, name, "--dir", str(folder)]) == 0
    assert (folder / "pyproject.toml").exists() and (folder / "README.md").exists()
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(folder),
        ],
        check=True,
        cwd=tmp_path,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    listed = subprocess.run(
        [str(EXE), "--list-plugins"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert listed.returncode == 0 and name in listed.stdout
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder / "tests")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout


def test_bad_names_and_a_used_folder_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugin", "new", "data_collectors", "My Feed", "--dir", str(tmp_path / "a")]) == 2
    assert main(["plugin", "new", "data_collectors", "class", "--dir", str(tmp_path / "b")]) == 2
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "keep.txt").write_text("mine")
    assert main(["plugin", "new", "data_collectors", "feed", "--dir", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "cannot name a plugin" in err and "is not empty" in err and "Traceback" not in err
    assert (tmp_path / "c" / "keep.txt").read_text() == "mine" and not (tmp_path / "a").exists()
