"""`naetra-tui alerts add|list|remove|test|log` and `watch --once` offline (#36): a server
running only the watcher can be set up from a shell; bad rules are one clear error (exit 2) and
nothing is stored; what fired is listed with what each notifier did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from naetra_tui.cli import main
from tests.conftest import write


def sim_config(tmp_path: Path, notifiers: str = "") -> Path:
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\n  llm: none\n  watchlist: [MSFT]\nplugins:\n"
        "  data_collectors:\n    - {name: simulated, plugin: simulated}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n"
        + (f"  notifiers:\n{notifiers}" if notifiers else ""),
    )


def run(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(path), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_add_list_test_and_remove_from_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = sim_config(tmp_path)
    code, out, _ = run(path, capsys, "alerts", "add", "aapl", "RSI < 30 AND price > sma200", "--repeat", "1h")
    assert code == 0 and "added alert" in out and "AAPL: rsi < 30 and price > sma200" in out
    assert "on the last year: AAPL: 'rsi < 30 and price > sma200' would" in out and "SIMULATED data" in out
    code, out, _ = run(path, capsys, "alerts", "list", "--json")
    [alert] = json.loads(out)
    assert alert["rule"] == "rsi < 30 and price > sma200" and alert["cooldown"] == 3600 and alert["active"]
    code, out, _ = run(
        path, capsys, "alerts", "test", "sma20 cross above sma50", "AAPL", "--range", "2Y", "--json"
    )
    result = json.loads(out)
    assert (
        code == 0
        and result["range"] == "2Y"
        and result["simulated"]
        and result["fired"] == len(result["fires"])
    )
    assert all(f["values"]["sma20"] > 0 for f in result["fires"])
    code, out, _ = run(path, capsys, "alerts", "remove", alert["id"])
    assert code == 0 and f"removed alert {alert['id']}" in out
    code, out, _ = run(path, capsys, "alerts", "list")
    assert "no alerts" in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("alerts", "add", "AAPL", "price >> 250"), "'price' is compared with nothing"),
        (("alerts", "add", "AAPL", "(rsi < 30"), "this '(' is never closed"),
        (("alerts", "add", "AAPL", "x" * 102_400), "at most 500 characters"),
        (("alerts", "add", "AAPL; rm", "price > 1"), "not a valid symbol"),
        (("alerts", "test", "rsx < 3", "AAPL"), "unknown indicator 'rsx'"),
        (("alerts", "test", "price > 1", "AAPL", "--range", "7Q"), "unknown range '7Q'"),
        (("alerts", "remove", "nope"), "no alert with the id 'nope'"),
    ],
)
def test_bad_input_is_one_clear_error_and_nothing_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], said: str
) -> None:
    path = sim_config(tmp_path)
    code, _, err = run(path, capsys, *args)
    assert code == 2 and said in err
    code, out, _ = run(path, capsys, "alerts", "list", "--json")
    assert json.loads(out) == []


def test_bad_durations_are_refused_by_the_parser(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(
            ["--config", str(sim_config(tmp_path)), "alerts", "add", "AAPL", "price > 1", "--repeat", "soon"]
        )
    assert "is not a duration: try 30m, 1h, 2d or 1w" in capsys.readouterr().err


def test_watch_once_fires_with_the_app_closed_and_the_log_says_what_delivered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = tmp_path / "got.jsonl"
    program = tmp_path / "record.py"
    program.write_text(f"import sys\nopen({str(got)!r}, 'a').write(sys.stdin.read() + '\\n')\n")
    notifiers = (
        "    - {name: terminal, plugin: terminal}\n"
        f"    - {{name: mine, plugin: command, config: {{program: [python3, '{program}']}}}}\n"
        "    - {name: desktop, plugin: desktop}\n"
    )
    path = sim_config(tmp_path, notifiers)
    run(path, capsys, "alerts", "add", "MSFT", "price > 1")
    run(path, capsys, "alerts", "add", "MSFT", "price < 1")
    code, out, err = run(path, capsys, "watch", "--once")
    assert code == 0 and "ALERT MSFT: price > 1 (price " in out and "[SIMULATED data]" in out
    assert "price < 1" not in out and "checking 2 armed alerts" in err
    [delivered] = [json.loads(line) for line in got.read_text().splitlines()]
    assert delivered["rule"] == "price > 1" and delivered["simulated"] is True
    code, out, _ = run(path, capsys, "watch", "--once")  # fired once: not again
    assert "ALERT" not in out and len(got.read_text().splitlines()) == 1
    code, out, _ = run(path, capsys, "alerts", "log", "--json")
    [event] = json.loads(out)
    assert event["deliveries"]["terminal"] == "delivered" and event["deliveries"]["mine"] == "delivered"
    assert event["deliveries"]["desktop"].startswith(
        ("delivered", "not delivered: no desktop notification service")
    )
    code, out, _ = run(path, capsys, "alerts", "list")
    assert "fired" in out and "armed" in out
