"""Watchlists can be renamed and deleted (#32): in the CLI (asking first, or --yes), and by the
editor the app uses, with undo; the only list is never deleted; names are checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write

COMMAND = str(Path(sys.executable).parent / "naetra-tui")


def config(tmp_path: Path) -> Path:
    return write(
        tmp_path / "config.yaml",
        "app:\n  storage: sqlite\n  llm: none\n  watchlist: [AAPL, MSFT]\nplugins:\n  data_collectors:\n"
        "    - {name: simulated, plugin: simulated}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 's.db'}'}}}}\n",
    )


def naetra(path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COMMAND, "--config", str(path), *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_rename_and_delete_from_the_command_line(tmp_path: Path) -> None:
    path = config(tmp_path)
    assert naetra(path, "watchlist").stdout.splitlines() == ["* Default  (2 symbols)"]
    renamed = naetra(path, "watchlist", "rename", "Default", "Tech")
    assert renamed.returncode == 0 and "renamed the watchlist 'Default' to 'Tech'" in renamed.stdout
    assert naetra(path, "watchlist").stdout.splitlines() == ["* Tech  (2 symbols)"]  # still the active one
    assert naetra(path, "watchlist", "show", "Tech").stdout.split() == ["AAPL", "MSFT"]  # order kept
    only = naetra(path, "watchlist", "delete", "Tech", "--yes")
    assert only.returncode == 2 and "the only watchlist" in only.stderr
    assert naetra(path, "portfolio", "add", "SPY", "1", "500").returncode == 0  # makes the list Portfolio
    asked = naetra(path, "watchlist", "delete", "Tech")  # not a terminal: nobody said yes
    assert asked.returncode == 1 and "not deleted: the watchlist 'Tech' and its 2 symbols" in asked.stderr
    deleted = naetra(path, "watchlist", "delete", "Tech", "--yes")
    assert (
        deleted.returncode == 0 and deleted.stdout.strip() == "deleted the watchlist 'Tech' and its 2 symbols"
    )
    assert naetra(path, "watchlist").stdout.splitlines() == ["* Portfolio  (1 symbol)"]
    for bad, says in ((("rename", "Nope", "X"), "no watchlist named 'Nope'"),
                      (("rename", "Portfolio", "a/b"), "not a usable watchlist name")):  # fmt: skip
        done = naetra(path, "watchlist", *bad)
        assert done.returncode == 2 and says in done.stderr


async def test_a_deleted_list_comes_back_with_undo(tmp_path: Path) -> None:
    from naetra_tui.config import load_config
    from naetra_tui.services.session import Phase, session_for
    from naetra_tui.services.state import InvalidName

    async with session_for(load_config(config(tmp_path)), Phase.STORAGE) as session:
        state, editor = session.state, session.watchlists
        await state.create_watchlist("Default", ["AAPL", "MSFT", "NVDA"])
        await state.create_watchlist("Crypto", ["BTC-USD"])
        await editor.switch("Default")
        await editor.remove("MSFT")
        assert await editor.delete("Default") == "Crypto"  # the active list moved
        assert await state.watchlist_names() == ["Crypto"]
        assert await editor.undo() == "the list Default"
        assert await state.watchlist("Default") == ["AAPL", "NVDA"]
        assert await editor.undo() == "MSFT"  # and the symbol removed before, in its place
        assert await state.watchlist("Default") == ["AAPL", "MSFT", "NVDA"]
        with pytest.raises(InvalidName, match="exists"):
            await editor.rename("Default", "Crypto")
