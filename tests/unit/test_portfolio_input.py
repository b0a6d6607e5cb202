"""Bad input for lots (#23): each value the issue names gets a clear message naming it, and a
CSV import is all or nothing — a BOM, semicolons with decimal commas and tabs are read; a
missing column, a bad row or a future date imports nothing and names each bad row."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from naetra_tui.core.portfolio import InvalidLot, check_lot
from naetra_tui.services.portfolio.csv_import import ImportRefused, parse_lots, read_text

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("values", "field", "said"),
    [
        (("AAPL", "0", "100"), "quantity", "cannot be 0"),
        (("AAPL", "ten", "100"), "quantity", "'ten' is not a number"),
        (("AAPL", "1e30", "100"), "quantity", "beyond any real position"),
        (("AAPL", "nan", "100"), "quantity", "finite"),
        (("AAPL", "10", "-5"), "price", "cannot be negative"),
        (("AAPL", "10", "1e15"), "price", "beyond any real position"),
        (("AAPL", "10", "100", "2026-03-11"), "date", "in the future"),
        (("AAPL", "10", "100", "1899-12-31"), "date", "before 1900"),
        (("AAPL", "10", "100", "31/12/2025"), "date", "not a date like"),
        (("AAPL", "10", "100", None, "-1"), "fees", "cannot be negative"),
        (("AAPL", "10", "100", None, "0", "XYZ"), "currency", "not a currency code"),
        (("AA PL", "10", "100"), "symbol", ""),
    ],
)
def test_a_bad_value_is_refused_with_its_field_named(values: tuple, field: str, said: str) -> None:
    with pytest.raises(InvalidLot) as caught:
        check_lot(*values, today=TODAY)
    assert caught.value.field == field and said in str(caught.value)


def test_good_values_are_normalised() -> None:
    lot = check_lot(" aapl ", "-10", "250.5", "2026-03-10", "1.25", "eur", today=TODAY)
    assert (lot.symbol, lot.quantity, lot.price, lot.opened, lot.fees, lot.currency) == (
        "AAPL", -10.0, 250.5, TODAY, 1.25, "EUR",
    )  # fmt: skip
    assert check_lot("VOD.L", "100", "72", currency="GBp", today=TODAY).currency == "GBp"  # pence kept
    assert check_lot("AAPL", "1", "1", today=TODAY).opened == TODAY  # no date: today


def test_a_bom_and_optional_columns_in_any_order_and_case() -> None:
    text = "\ufeffSymbol,Price,Quantity,Currency,Date,Fees\r\nAAPL,190.5,10,USD,2026-01-02,1\r\nvod.l,72,100,GBp,,\r\n"
    lots = parse_lots(text, today=TODAY)
    assert [(x.symbol, x.quantity, x.price, x.currency) for x in lots] == [
        ("AAPL", 10.0, 190.5, "USD"),
        ("VOD.L", 100.0, 72.0, "GBp"),
    ]
    assert lots[1].opened == TODAY and lots[1].fees == 0.0


def test_semicolons_with_decimal_commas_and_tabs() -> None:
    lots = parse_lots("symbol;quantity;price\nSAP.DE;10;180,5\n", today=TODAY)
    assert lots[0].price == 180.5
    assert parse_lots("symbol\tquantity\tprice\nAAPL\t2\t3.5\n", today=TODAY)[0].quantity == 2.0


def test_a_missing_or_unknown_column_imports_nothing() -> None:
    with pytest.raises(ImportRefused) as caught:
        parse_lots("symbol,qty\nAAPL,10\n", today=TODAY)
    message = str(caught.value)
    assert "missing columns quantity, price" in message and "unknown column qty" in message
    assert "nothing imported" in message


def test_every_bad_row_is_named_and_none_is_imported() -> None:
    text = "symbol,quantity,price,date\nAAPL,10,100,2026-01-02\nMSFT,0,300,\nTSLA,5,-1,\nNVDA,1,100,2999-01-01\nGOOGL,1,2,3,4,5\n"
    with pytest.raises(ImportRefused) as caught:
        parse_lots(text, today=TODAY)
    assert caught.value.problems == [
        "line 3: quantity: cannot be 0 (negative for a short)",
        "line 4: price: cannot be negative",
        "line 5: date: 2999-01-01 is in the future",
        "line 6: 6 values for 4 columns",
    ]
    assert str(caught.value).startswith("the file: 4 bad rows; nothing imported:")


def test_an_empty_file_a_header_alone_and_binary_are_refused(tmp_path: Path) -> None:
    for text, said in (("", "is empty"), ("symbol,quantity,price\n", "no rows"), ("a\x00b", "NUL")):
        with pytest.raises(ImportRefused, match=said):
            parse_lots(text, today=TODAY)
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("symbol,quantity,price\nM\xdcNCHEN,1,2\n".encode("latin-1"))
    with pytest.raises(ImportRefused, match="not UTF-8"):
        read_text(latin)
    with pytest.raises(ImportRefused, match="cannot read"):
        read_text(tmp_path / "missing.csv")


def test_100000_rows_are_read(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("symbol,quantity,price,date,fees\n" + "".join(
        f"S{i % 500},{i % 97 + 1},{10 + i % 300}.25,2025-06-{i % 28 + 1:02d},0.5\n" for i in range(100_000)
    ))  # fmt: skip
    started = time.perf_counter()
    lots = parse_lots(read_text(path), today=TODAY)
    print(f"100,000 rows parsed in {time.perf_counter() - started:.2f} s")
    assert len(lots) == 100_000 and len({x.symbol for x in lots}) == 500
    assert lots[-1].quantity == 99_999 % 97 + 1


# --- numbers are never guessed; a header is never half-read (#31) ------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "symbol;quantity;price\nAAPL;1.500;10,5\n",
            "line 2: quantity: '1.500' could be 1.5 or 1500; write 1500 or 1,5",
        ),
        ("symbol;quantity;price\nAAPL;10;2.050\n", "line 2: price: '2.050' could be 2.05 or 2050"),
        (
            'symbol,quantity,price\nAAPL,"1,500",10.5\n',
            "line 2: quantity: '1,500' could be 1.5 or 1500; write 1500 or 1.5",
        ),
    ],
)
def test_a_number_that_reads_two_ways_is_refused_with_both_readings(text: str, said: str) -> None:
    with pytest.raises(ImportRefused) as refused:
        parse_lots(text, today=TODAY)
    assert said in str(refused.value) and "nothing imported" in str(refused.value)


def test_numbers_that_read_one_way_are_taken() -> None:
    lots = parse_lots("symbol;quantity;price\nAAPL;1.500,5;10,5\nMSFT;1500;0,125\n", today=TODAY)
    assert (lots[0].quantity, lots[0].price) == (1500.5, 10.5)
    assert (lots[1].quantity, lots[1].price) == (1500.0, 0.125)
    lots = parse_lots('symbol,quantity,price\nAAPL,"1,500.25",189.500\nMSFT,3,0.125\n', today=TODAY)
    assert (lots[0].quantity, lots[0].price, lots[1].price) == (1500.25, 189.5, 0.125)


@pytest.mark.parametrize(
    "header", ["symbol,quantity,price,quantity", "symbol,Quantity,price,QUANTITY,fees,fees"]
)
def test_a_column_named_twice_imports_nothing(header: str) -> None:
    values = ",".join(["AAPL", "10", "200", "5", "1", "1"][: len(header.split(","))])
    with pytest.raises(ImportRefused, match="quantity.* named twice"):
        parse_lots(f"{header}\n{values}\n", today=TODAY)


def test_every_bad_value_of_a_row_is_named_not_only_the_first() -> None:
    with pytest.raises(InvalidLot) as caught:
        check_lot("AAPL", "ten", "100", "31/12/2025", "-1", today=TODAY)
    assert [p.field for p in caught.value.problems] == ["quantity", "date", "fees"]
    said = str(caught.value)
    assert said.startswith("quantity: ") and "; date: " in said and "; fees: cannot be negative" in said


def test_a_csv_row_with_two_bad_fields_reports_both() -> None:
    from naetra_tui.services.portfolio.csv_import import ImportRefused, parse_lots

    with pytest.raises(ImportRefused) as caught:
        parse_lots("symbol,quantity,price,date\nAAPL,ten,-5,2025-01-02\nMSFT,1,300,2025-01-02\n", "lots.csv")
    assert caught.value.problems == ["line 2: quantity: 'ten' is not a number; price: cannot be negative"]
