"""Reading lots from a CSV file: ``symbol,quantity,price[,date,fees,currency]`` with a header.

All or nothing: every row is checked first, and a file with any bad row gives nothing but the
list of bad rows and why. Accepted as spreadsheets write them: a UTF-8 byte-order mark,
semicolons as separators (then ``10,5`` is a decimal comma), tabs, header names in any case.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as some brokers and Excel export
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportRefused(f"{path} is not valid UTF-16 text; nothing imported") from None
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


FIELDS = REQUIRED + OPTIONAL
_MONEY = str.maketrans("", "", "$€£¥₹ \u00a0")


def parse_mapping(text: str) -> dict[str, str]:
    """``ticker=symbol,shares=quantity`` -> {file column: field}. Raises: ImportRefused."""
    mapping: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        column, _, field = part.partition("=")
        column, field = column.strip().lower(), field.strip().lower()
        if not column or field not in FIELDS:
            raise ImportRefused(
                f"--map: '{part[:40]}' is not COLUMN=FIELD with FIELD one of {', '.join(FIELDS)}; nothing imported"
            )
        mapping[column] = field
    if len(set(mapping.values())) < len(mapping):
        raise ImportRefused("--map: two columns are mapped to the same field; nothing imported")
    return mapping


@dataclass
class ImportPlan:
    """What an import would add, and the rows it passes over (listed, never guessed)."""

    lots: list[Lot]
    skipped: list[str]
    ignored_columns: list[str]


def parse_lots(text: str, name: str = "the file", today: date | None = None) -> list[Lot]:
    """Every row as a checked lot (the strict form: the header names exactly our columns).
    Raises: ImportRefused (nothing is returned then)."""
    return plan_import(text, name, today).lots


def plan_import(
    text: str, name: str = "the file", today: date | None = None, mapping: dict[str, str] | None = None
) -> ImportPlan:
    """With ``mapping`` (a broker's export: its columns mapped to ours), columns not mapped are
    ignored and named, money cells may carry currency symbols (``$1,234.50``), and rows with no
    symbol or a symbol like TOTAL are skipped and listed. Raises: ImportRefused."""
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
    raw_columns = [h.strip().lower() for h in header]
    columns = [mapping.get(c, c) if mapping is not None else c for c in raw_columns]
    if mapping is not None:
        ignored = [raw for raw, c in zip(raw_columns, columns, strict=True) if c not in FIELDS and raw]
        columns = [c if c in FIELDS else "" for c in columns]
        absent = [c for c in mapping if c not in raw_columns]
        if absent:
            raise ImportRefused(
                f"{name}: --map names column{'s' if len(absent) > 1 else ''} {', '.join(absent)}, which the file "
                f"does not have (its columns: {', '.join(c for c in raw_columns if c)[:300]}); nothing imported"
            )
    else:
        ignored = []
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
        hint = (
            " (map the file's columns with --map COLUMN=symbol,COLUMN=quantity,COLUMN=price)"
            if mapping is None
            else ""
        )
        raise ImportRefused(
            f"{name}: {'; '.join(said)} (the header must name symbol, quantity, price and may add "
            f"date, fees, currency){hint}; nothing imported"
        )
    index = {c: columns.index(c) for c in REQUIRED + OPTIONAL if c in columns}
    lots: list[Lot] = []
    problems: list[str] = []
    skipped: list[str] = []
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
            if mapping is not None:
                symbol = cell["symbol"].strip().lower()
                if (
                    not symbol
                    or symbol.startswith("total")
                    or not any(cell[c] for c in ("quantity", "price"))
                ):
                    skipped.append(
                        f"line {line}: {'a totals row' if symbol.startswith('total') else 'no symbol, quantity or price'} ({', '.join(r.strip() for r in row if r.strip())[:80]})"
                    )
                    continue
                for money in ("price", "fees", "quantity"):
                    if money in cell:
                        cell[money] = cell[money].translate(_MONEY)
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
        raise ImportRefused(f"{name} has a header but no rows; nothing imported", skipped)
    return ImportPlan(lots, skipped, ignored)
