"""`naetra-tui portfolio` (#23) on the simulated feed, as a cron job would run it: lots added
by `portfolio add` and `portfolio import` are kept across runs, printed with values and P&L in
the position's and the base currency with each figure's source and age (--json, --csv); bad
input exits 2 and saves nothing; a missing price or FX rate leaves the total marked incomplete."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from naetra_tui.cli import main
from tests.conftest import write

FROZEN = "2026-03-10T15:00:00+00:00"  # a Tuesday, 10:00 in New York: the market is open


def config(tmp_path: Path, collectors: str | None = None, base: str = "USD") -> Path:
    if collectors is None:
        collectors = (
            f"    - {{name: simulated, plugin: simulated, config: {{seed: 7, frozen_time: '{FROZEN}'}}}}\n"
        )
    return write(
        tmp_path / "config.yaml",
        f"app:\n  storage: sqlite\n  base_currency: {base}\n  llm: none\n  plugin_timeout: 2\n"
        f"plugins:\n  data_collectors:\n{collectors}"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'state.db'}'}}}}\n",
    )


def run(path: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(path), "portfolio", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from naetra_tui.core import clock

    monkeypatch.setenv("NAETRA_FROZEN_TIME", FROZEN)
    yield
    clock.freeze(None)  # main() froze the process's clock: not for the next test


def test_add_then_json_values_every_position_in_the_base_currency(tmp_path: Path, capsys) -> None:
    path = config(tmp_path)
    assert run(path, capsys, "add", "AAPL", "10", "200", "--date", "2026-01-05", "--fees", "1")[0] == 0
    assert run(path, capsys, "add", "SAP.DE", "5", "150", "--date", "2026-02-02")[0] == 0
    code, out, _ = run(path, capsys, "add", "VOD.L", "1000", "70")  # pence, as London quotes
    assert code == 0 and "on the watchlist Portfolio" in out
    code, out, _ = run(path, capsys, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["base_currency"] == "USD" and data["totals"]["complete"]
    pos = {p["symbol"]: p for p in data["positions"]}
    aapl, sap, vod = pos["AAPL"], pos["SAP.DE"], pos["VOD.L"]
    assert aapl["quantity"] == 10 and aapl["cost"] == 2001.0 and aapl["currency"] == "USD"
    assert aapl["value"] == pytest.approx(10 * aapl["price"], abs=0.01)
    assert aapl["total_pnl"] == pytest.approx(aapl["value"] - 2001.0, abs=0.01)
    assert aapl["quote"]["source"] == "simulated" and aapl["quote"]["simulated"] is True
    assert aapl["quote"]["age_seconds"] == 0.0 and aapl["price_basis"] == "last"
    assert sap["currency"] == "EUR" and sap["fx"]["symbol"] == "EURUSD=X" and sap["fx"]["simulated"]
    assert sap["value_base"] == pytest.approx(sap["value"] * sap["fx"]["rate"], abs=0.02)
    assert vod["currency"] == "GBP" and vod["quote"]["quote_currency"] == "GBp"
    assert vod["cost"] == 700.0  # 1000 x 70p
    assert vod["fx"]["symbol"] == "GBPUSD=X"
    total = sum(p["value_base"] for p in data["positions"])
    assert data["totals"]["value"] == pytest.approx(total, abs=0.05)
    assert sum(p["weight_pct"] for p in data["positions"]) == pytest.approx(100, abs=0.05)
    assert {r["symbol"] for r in data["fx_rates"]} == {"EURUSD=X", "GBPUSD=X"}
    main(["--config", str(path), "quote", "AAPL"])  # the watchlist and lots survive other commands
    capsys.readouterr()
    assert json.loads(run(path, capsys, "--json")[1])["positions"][0]["lots"][0]["fees"] == 1.0


def test_csv_has_a_row_per_position_then_the_total(tmp_path: Path, capsys) -> None:
    path = config(tmp_path, base="EUR")
    run(path, capsys, "add", "AAPL", "2", "100")
    run(path, capsys, "add", "TSLA", "-3", "300")
    code, out, _ = run(path, capsys, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["symbol"] for r in rows] == ["AAPL", "TSLA", "TOTAL"]
    assert rows[0]["base_currency"] == "EUR" and float(rows[0]["fx_rate"]) == pytest.approx(
        1 / 1.035, rel=0.05
    )
    assert float(rows[1]["value"]) < 0  # a short
    assert float(rows[2]["value_base"]) == pytest.approx(
        float(rows[0]["value_base"]) + float(rows[1]["value_base"]), abs=0.02
    )
    assert rows[0]["source"] == "simulated" and rows[0]["age_s"] == "0.0"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("AAPL", "0", "100"), "quantity: cannot be 0"),
        (("AAPL", "abc", "100"), "'abc' is not a number"),
        (("AAPL", "1e30", "100"), "beyond any real position"),
        (("AAPL", "10", "-1"), "price: cannot be negative"),
        (("AAPL", "10", "100", "--date", "2030-01-01"), "in the future"),
        (("AAPL", "10", "100", "--date", "1850-01-01"), "before 1900"),
        (("AAPL", "10", "100", "--currency", "ABC"), "not a currency code"),
    ],
)
def test_a_bad_lot_exits_2_and_saves_nothing(
    tmp_path: Path, capsys, args: tuple[str, ...], said: str
) -> None:
    path = config(tmp_path)
    code, _, err = run(path, capsys, "add", *args)
    assert code == 2 and said in err and "nothing was added" in err
    assert json.loads(run(path, capsys, "--json")[1])["positions"] == []


def test_import_is_all_or_nothing(tmp_path: Path, capsys) -> None:
    path = config(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("symbol,quantity,price\nAAPL,10,100\nMSFT,0,300\n")
    code, _, err = run(path, capsys, "import", str(bad))
    assert code == 2 and "1 bad row; nothing imported" in err and "line 3: quantity: cannot be 0" in err
    assert json.loads(run(path, capsys, "--json")[1])["positions"] == []
    good = tmp_path / "good.csv"
    good.write_bytes("\ufeffsymbol;quantity;price;date\nAAPL;10;100,5;2026-01-02\nMSFT;3;300;\n".encode())
    code, out, _ = run(path, capsys, "import", str(good))
    assert code == 0 and "added 2 lots of 2 symbols (AAPL, MSFT)" in out
    data = json.loads(run(path, capsys, "--json")[1])
    assert [p["lots"][0]["price"] for p in data["positions"]] == [100.5, 300.0]


def test_without_prices_the_lots_are_kept_and_the_total_is_marked_incomplete(tmp_path: Path, capsys) -> None:
    path = config(tmp_path, collectors="    - {name: simulated, plugin: simulated, enabled: false}\n")
    run(path, capsys, "add", "AAPL", "10", "100", "--currency", "USD")
    code, out, _ = run(path, capsys, "--json")
    data = json.loads(out)
    assert code == 1 and not data["totals"]["complete"]
    position = data["positions"][0]
    assert position["lots"][0]["quantity"] == 10 and position["value"] is None
    assert "price unavailable" in position["problem"]
    code, out, _ = run(path, capsys)
    assert code == 1 and "left out of the totals: AAPL: price unavailable" in out


def test_a_rate_the_feed_does_not_have_is_said_never_guessed(tmp_path: Path, capsys) -> None:
    path = config(tmp_path, base="XAU")  # no simulated gold price: no rate into it
    run(path, capsys, "add", "AAPL", "1", "100")
    data = json.loads(run(path, capsys, "--json")[1])
    assert data["totals"]["value"] == 0 and not data["totals"]["complete"]
    assert "no USD→XAU rate" in data["totals"]["incomplete"][0]
    assert data["positions"][0]["value"] is not None  # its own-currency figures stay


async def test_a_quote_in_a_made_up_currency_is_said_never_looked_up(tmp_path: Path) -> None:
    """Remote text: a source's currency code is not trusted to build an FX symbol from."""
    from datetime import date

    from naetra_tui.core.models import Quote
    from naetra_tui.core.portfolio import Lot
    from naetra_tui.services.market import QuoteRow
    from naetra_tui.services.portfolio.service import PortfolioService

    class Market:
        def __init__(self) -> None:
            self.rows = {
                "ODD": QuoteRow("ODD", Quote(symbol="ODD", price=10, source="x", currency="\x1b[31mZZ<b>"))
            }
            self.asked: list[list[str]] = []

        async def refresh(self, symbols: list[str]) -> dict:
            self.asked.append(symbols)
            return {}

    class Store:
        async def lots(self) -> list:
            return [Lot("ODD", 2, 5, date(2026, 1, 2))]

        async def closed(self) -> list:
            return []

    market = Market()
    service = PortfolioService(Store(), market, "USD")  # type: ignore[arg-type]
    await service.load()
    value = await service.refresh()
    assert all("=X" not in s for asked in market.asked for s in asked)  # no FX lookup was built
    assert value.incomplete and "is not a currency code" in value.incomplete[0]
    assert "\x1b" not in value.incomplete[0] and value.position("ODD").value == 20


# --- a storage that cannot take the lots: said, non-zero, never written elsewhere (#31) -------


def test_add_to_a_storage_that_is_down_fails_and_writes_nowhere_else(tmp_path: Path, capsys) -> None:
    from naetra_tui.core.paths import user_data_dir

    path = write(
        tmp_path / "config.yaml",
        "app:\n  storage: postgres\n  llm: none\n  plugin_timeout: 2\nplugins:\n  data_collectors:\n"
        "    - {name: simulated, plugin: simulated}\n  storage:\n"
        "    - {name: postgres, plugin: postgres, config: {dsn: 'postgresql://nobody@127.0.0.1:1/none', connect_timeout: 1}}\n",
    )
    code, out, err = run(path, capsys, "add", "AAPL", "10", "200")
    assert code == 1 and out == ""
    assert (
        err.count("\n") == 1
        and "cannot use the storage 'postgres'" in err
        and "nothing was read or written" in err
    )
    assert "Traceback" not in err
    assert not list(user_data_dir().rglob("*.db")), "written to a fallback storage"  # nowhere else
    code, out, err = run(path, capsys)  # showing the positions: no "No positions yet" from a fallback
    assert code == 1 and "No positions" not in out and "cannot use the storage 'postgres'" in err


def test_add_while_another_process_locks_the_database_fails_and_writes_nowhere(
    tmp_path: Path, capsys
) -> None:
    """Another process holds the SQLite file's write lock (another program, a backup): the
    lot is refused with one line, never written to a fallback database."""
    import sqlite3

    db = tmp_path / "state.db"
    path = write(
        tmp_path / "config.yaml",
        config(tmp_path).read_text().replace("path: '", "busy_timeout_ms: 50, path: '"),
    )
    assert run(path, capsys, "add", "MSFT", "1", "400")[0] == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, out, err = run(path, capsys, "add", "AAPL", "10", "200")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert "cannot use the storage 'sqlite'" in err and "database is locked" in err
    code, out, _ = run(path, capsys, "--json")
    assert {p["symbol"] for p in json.loads(out)["positions"]} == {"MSFT"}  # nothing half-written
    from naetra_tui.core.paths import user_data_dir

    assert not list(user_data_dir().rglob("*.db"))  # nor in the default SQLite


def test_a_lot_is_pinned_to_its_quotes_currency_when_added(tmp_path: Path, capsys) -> None:
    """A lot added without a currency records the quote's (USD, GBp for London's pence): if the
    source later quotes the symbol in another unit, its cost keeps its meaning (#31)."""
    path = config(tmp_path)
    assert run(path, capsys, "add", "AAPL", "10", "200")[0] == 0
    assert run(path, capsys, "add", "VOD.L", "1000", "70")[0] == 0
    assert run(path, capsys, "add", "SAP.DE", "5", "150", "--currency", "USD")[0] == 0  # said: kept
    data = json.loads(run(path, capsys, "--json")[1])
    lots = {p["symbol"]: p["lots"][0]["currency"] for p in data["positions"]}
    assert lots == {"AAPL": "USD", "VOD.L": "GBp", "SAP.DE": "USD"}
    vod = next(p for p in data["positions"] if p["symbol"] == "VOD.L")
    assert vod["cost"] == 700.0  # still 1000 x 70p, read in pence


def test_lots_stored_before_pinning_get_their_quotes_currency_once(tmp_path: Path, capsys) -> None:
    """Lots an earlier version stored without a currency are pinned at the next read, as first
    seen, and stay so (the store is written once; the values do not move) (#31)."""
    import asyncio
    from datetime import date

    from naetra_tui.config import load_config
    from naetra_tui.core.portfolio import Lot
    from naetra_tui.services.portfolio.store import PortfolioStore
    from naetra_tui.services.session import Phase, session_for

    path = config(tmp_path)

    async def store_old_lots() -> None:
        async with session_for(load_config(path), Phase.STORAGE) as session:
            await PortfolioStore(session.state).add(
                [Lot("VOD.L", 1000, 70, date(2026, 11, 2)), Lot("AAPL", 10, 200, date(2026, 11, 2))]
            )

    asyncio.run(store_old_lots())
    first = json.loads(run(path, capsys, "--json")[1])
    lots = {p["symbol"]: p["lots"][0]["currency"] for p in first["positions"]}
    assert lots == {"VOD.L": "GBp", "AAPL": "USD"}
    again = json.loads(run(path, capsys, "--json")[1])
    assert {p["symbol"]: p["lots"][0]["currency"] for p in again["positions"]} == lots
    assert {p["symbol"]: p["cost"] for p in again["positions"]} == {"VOD.L": 700.0, "AAPL": 2000.0}
    assert [p["lots"][0]["id"] for p in again["positions"]] == [
        p["lots"][0]["id"] for p in first["positions"]
    ]
