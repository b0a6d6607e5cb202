"""Reading lots from a CSV file: ``symbol,quantity,price[,date,fees,currency]`` with a header.

All or nothing: every row is checked first, and a file with any bad row gives nothing but the
list of bad rows and why. Accepted as spreadsheets write them: a UTF-8 byte-order mark,
semicolons as separators (then ``10,5`` is a decimal comma), tabs, header names in any case.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from ...core.clock import today as clock_today
from ...core.errors import NaetraError
from ...core.portfolio import InvalidLot, Lot, check_lot

REQUIRED = ("symbol", "quantity", "price")
OPTIONAL = ("date", "fees", "currency")
MAX_ROWS = 1_000_000
MAX_BYTES = 200 * 1024 * 1024
SHOWN_PROBLEMS = 20


class ImportRefused(NaetraError):
    """The file was not imported; ``problems`` lists each bad row (or the file's fault)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        shown = self.problems[:SHOWN_PROBLEMS]
        more = len(self.problems) - len(shown)
        lines = [message, *(f"  {p}" for p in shown)]
        if more > 0:
            lines.append(f"  ... and {more} more")
        super().__init__("\n".join(lines))


def read_text(path: Path) -> str:
    """Raises: ImportRefused (missing, too big, not UTF-8)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportRefused(
                f"{path}: {size / 1e6:.0f} MB is more than a portfolio file holds; nothing imported"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"cannot read {path}: {exc.strerror or exc}; nothing imported") from None
    try:
        return data.decode("utf-8-sig")  # a spreadsheet's byte-order mark is dropped
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"{path} is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'; nothing imported"
        ) from None


def _dialect(header: str) -> tuple[str, bool]:
    """The separator, and whether numbers use a decimal comma (semicolon files do)."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    sep = max(counts, key=lambda s: counts[s])
    return (sep, sep == ";") if counts[sep] else (",", False)


def parse_lots(text: str, name: str = "the file", today: date | None = None) -> list[Lot]:
    """Every row as a checked lot. Raises: ImportRefused (nothing is returned then)."""
    text = text.removeprefix("\ufeff")  # a byte-order mark decoded as text
    if "\x00" in text:
        raise ImportRefused(f"{name} holds NUL bytes: not a CSV file; nothing imported")
    first = text.split("\n", 1)[0]
    sep, decimal_comma = _dialect(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ImportRefused(f"{name} is empty: it needs a header line {','.join(REQUIRED)}") from None
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL and c]
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if missing or unknown or twice:
        said = []
        if twice:  # which one would be meant? never half-read
            said.append(f"column{'s' if len(twice) > 1 else ''} {', '.join(twice)} named twice")
        if missing:
            said.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        if unknown:
            said.append(f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
        raise ImportRefused(
            f"{name}: {'; '.join(said)} (the header must name symbol, quantity, price and may add "
            "date, fees, currency); nothing imported"
        )
    index = {c: columns.index(c) for c in REQUIRED + OPTIONAL if c in columns}
    lots: list[Lot] = []
    problems: list[str] = []
    today = today or clock_today()
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank lines between blocks
            line = reader.line_num
            if len(lots) + len(problems) >= MAX_ROWS:
                raise ImportRefused(f"{name} has more than {MAX_ROWS:,} rows; nothing imported")
            if len(row) > len(columns):
                problems.append(f"line {line}: {len(row)} values for {len(columns)} columns")
                continue
            cell = {c: (row[i].strip() if i < len(row) else "") for c, i in index.items()}
            try:
                lots.append(
                    check_lot(
                        cell["symbol"],
                        cell["quantity"],
                        cell["price"],
                        cell.get("date"),
                        cell.get("fees"),
                        cell.get("currency"),
                        today=today,
                        decimal_comma=decimal_comma,
                    )
                )
            except InvalidLot as exc:
                problems.append(f"line {line}: {exc}")
    except csv.Error as exc:
        raise ImportRefused(f"{name}: line {reader.line_num}: {exc}; nothing imported") from None
    if problems:
        count = len(problems)
        raise ImportRefused(f"{name}: {count} bad row{'s' if count > 1 else ''}; nothing imported:", problems)
    if not lots:
        raise ImportRefused(f"{name} has a header but no rows; nothing imported")
    return lots
