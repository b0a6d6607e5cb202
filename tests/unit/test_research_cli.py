"""`naetra-tui news`, `events` and `options` offline (#34): text, --json and --csv from the
simulated feed, each labelled; a bad or unlisted expiry is one line and a non-zero exit."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from naetra_tui.cli import main
from tests.conftest import write


def sim_config(tmp_path: Path) -> Path:
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\n  watchlist: [AAPL, ^GSPC]\nplugins:\n"
        "  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(sim_config(tmp_path)), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_news_text_and_json_are_labelled_simulated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(tmp_path, capsys, "news", "AAPL", "MSFT", "--limit", "2")
    assert code == 0 and out.count("SIMULATED") >= 4 and "AAPL" in out and "MSFT" in out
    code, out, _ = run(tmp_path, capsys, "news", "AAPL", "--json")
    items = json.loads(out)
    assert code == 0 and len(items) == 10
    assert all(
        i["simulated"] and i["source"] == "simulated" and i["link"].startswith("https://") for i in items
    )


def test_events_default_to_the_watchlist_and_say_why_an_index_has_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(tmp_path, capsys, "events")
    assert code == 0
    assert "AAPL     earnings 20" in out and "^GSPC is an index: no earnings or dividends" in out
    code, out, _ = run(tmp_path, capsys, "events", "AAPL", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["symbol", "event", "date", "amount", "currency", "source"]
    assert {r[1] for r in rows[1:]} >= {"earnings"} and all(r[5] == "SIMULATED" for r in rows[1:])


def test_options_show_the_money_line_and_greeks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(tmp_path, capsys, "options", "AAPL", "--strikes", "3")
    assert code == 0 and "SIMULATED" in out and "┼" in out and "theta per day" in out
    code, out, _ = run(tmp_path, capsys, "options", "AAPL", "--json")
    chain = json.loads(out)
    assert chain["simulated"] and chain["underlying_price"] > 0
    atm = min(chain["calls"], key=lambda c: abs(c["strike"] - chain["underlying_price"]))
    assert 0.3 < atm["greeks"]["delta"] < 0.7 and atm["greeks"]["gamma"] > 0 and atm["greeks"]["theta"] < 0


def test_a_bad_or_unlisted_expiry_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(tmp_path, capsys, "options", "AAPL", "--expiry", "next friday")
    assert code == 2 and out == "" and err.count("\n") == 1 and "is not a date like" in err
    code, out, err = run(tmp_path, capsys, "options", "AAPL", "--expiry", "2001-01-05")
    assert (
        code == 1 and out == "" and err.count("\n") == 1 and "no options expiring 2001-01-05 (listed: " in err
    )
    code, out, err = run(tmp_path, capsys, "news", "NOPE1", "AAPL", "--limit", "1")
    assert code == 1 and "NOPE1: " in err and "AAPL" in out  # the others still print
