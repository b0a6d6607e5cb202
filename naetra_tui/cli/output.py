"""The one writer for everything the headless commands print.

Text that may have come from outside (model tokens, tool names, server versions, provider
errors, company names) is cleaned by the shared policy (``core/text.py``: no escape sequences,
control or format characters) and has secrets redacted before it reaches the terminal or a
pipe; Rich is given ``Text`` objects of that cleaned text only, never markup.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

from ..core.secrets import redact
from ..core.text import clean, inert_csv_cell


def safe(value: object) -> str:
    """``value`` as text fit for the terminal: cleaned, secrets hidden."""
    return clean(redact(str(value)))


def out(*values: object, sep: str = " ", end: str = "\n", file: IO[str] | None = None) -> None:
    """``print`` through the policy."""
    stream = file if file is not None else sys.stdout
    stream.write(safe(sep.join(str(v) for v in values)) + end)


def out_json(value: Any) -> None:
    """``value`` as indented JSON on stdout, through the policy. orjson writes it in one piece
    (the standard encoder's millions of small chunks took 120 MB for 100,000 lots) and writes a
    number that is not finite as null, never as the invalid ``NaN``."""
    import orjson

    out(orjson.dumps(value, default=str, option=orjson.OPT_INDENT_2).decode())


def err(message: object) -> None:
    """One line on stderr: ``naetra-tui: message``."""
    out(f"naetra-tui: {message}", file=sys.stderr)


def write_csv(rows: Iterable[Sequence[Any]]) -> None:
    """CSV on stdout with every cell inert: cleaned, secrets hidden, and no cell a spreadsheet
    would run as a formula (see ``core.text.inert_csv_cell``)."""
    import csv

    writer = csv.writer(sys.stdout)
    for row in rows:
        writer.writerow([inert_csv_cell(redact(v) if isinstance(v, str) else v) for v in row])


def stream_piece(text: str) -> None:
    """A streamed piece of an answer, cleaned, written at once."""
    sys.stdout.write(clean(text))
    sys.stdout.flush()


def rich_text(value: object, style: str = "") -> Any:
    """A Rich ``Text`` of cleaned text (never parsed as markup)."""
    from rich.text import Text

    return Text(safe(value), style=style)
