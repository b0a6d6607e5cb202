"""The README's two set-up commands are the ones CI runs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/naetra-tui"
TEST = "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/pytest"


def test_readme_commands_match_ci() -> None:
    readme = (ROOT / "README.md").read_text()
    assert RUN in readme and TEST in readme
    assert TEST in (ROOT / ".ci" / "run").read_text()
