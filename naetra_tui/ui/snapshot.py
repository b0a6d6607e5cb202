"""What the watchlist last showed, kept for the next start's first paint.

After each refresh the app writes the rows on screen (quotes as plain JSON), the watchlist,
the theme and the sparklines to a small file in the user cache directory, one per config file.
The next ``naetra-tui`` paints it before the services, pydantic and numpy are even imported,
then refreshes as usual. Cached rows are marked STALE and keep their real age, so nobody
mistakes them for live prices.

A snapshot is used only if the config file is unchanged since it was written (same
modification time and size); after a change only its watchlist is read, to show the rows the
start expects as loading. Anything unreadable or unexpected is ignored, never an error.
This module imports only the standard library and the app's light modules.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.clock import utcnow
from ..core.enums import MarketState
from ..core.files import atomic_write
from ..core.paths import user_cache_dir
from ..core.quote_math import QuoteMath

log = logging.getLogger(__name__)
VERSION = 1


@dataclass(frozen=True)
class CachedQuote(QuoteMath):
    """A quote read back from the snapshot: what the watchlist reads of a ``Quote``."""

    symbol: str
    price: float
    source: str
    name: str | None = None
    previous_close: float | None = None
    open: float | None = None
    day_high: float | None = None
    day_low: float | None = None
    volume: float | None = None
    currency: str | None = None
    market_state: MarketState = MarketState.UNKNOWN
    simulated: bool = False
    as_of: datetime = field(default_factory=utcnow)
    fetched_at: datetime = field(default_factory=utcnow)
    extended_price: float | None = None


#: Quote fields written to and read from the snapshot: those the watchlist and status bar read.
QUOTE_FIELDS = tuple(f.name for f in dataclasses.fields(CachedQuote))


@dataclass
class CachedRow:
    """A watchlist row from the snapshot; always stale until the first refresh replaces it."""

    symbol: str
    quote: CachedQuote | None = None
    error: str | None = None
    stale: bool = True


@dataclass
class Snapshot:
    watchlist: str
    symbols: list[str]
    rows: dict[str, CachedRow]
    sparks: dict[str, list[float]]
    theme: dict[str, Any] | None
    saved_at: datetime


def snapshot_file(config_path: Path) -> Path:
    key = hashlib.sha256(str(config_path.resolve()).encode()).hexdigest()[:16]
    return user_cache_dir() / "startup" / f"{key}.json"


def _config_stamp(config_path: Path) -> list[float]:
    stat = config_path.stat()
    return [stat.st_mtime, stat.st_size]


def save_snapshot(
    config_path: Path,
    watchlist: str,
    symbols: list[str],
    rows: dict[str, Any],
    sparks: dict[str, list[float]],
    theme: Any | None,
) -> None:
    """Write atomically (a reader never sees half a file). ``rows`` hold Quote-like objects."""
    data = {
        "version": VERSION,
        "config": _config_stamp(config_path),
        "watchlist": watchlist,
        "symbols": list(symbols),
        "rows": {symbol: _row_to_json(rows[symbol]) for symbol in symbols if symbol in rows},
        "sparks": {symbol: [float(v) for v in sparks[symbol]] for symbol in symbols if symbol in sparks},
        "theme": dataclasses.asdict(theme)
        if dataclasses.is_dataclass(theme) and not isinstance(theme, type)
        else None,
        "saved_at": utcnow().isoformat(),
    }
    path = snapshot_file(config_path)
    # a temp file of its own per write (core/files.py): a cancelled save's thread may still be
    # writing (a thread cannot be cancelled), and two saves sharing one temp name renamed a
    # half-written file
    atomic_write(path, json.dumps(data, allow_nan=False))


def load_snapshot(config_path: Path) -> Snapshot | None:
    """The snapshot for this config, or None (missing, config changed, unreadable)."""
    try:
        path = snapshot_file(config_path)
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION or data.get("config") != _config_stamp(config_path):
            return None
        symbols = [str(s) for s in data["symbols"]]
        rows = {str(symbol): _row_from_json(str(symbol), row) for symbol, row in data["rows"].items()}
        sparks = {str(s): [float(v) for v in values] for s, values in data["sparks"].items()}
        theme = data.get("theme")
        return Snapshot(
            watchlist=str(data["watchlist"]),
            symbols=symbols,
            rows=rows,
            sparks=sparks,
            theme=theme if isinstance(theme, dict) else None,
            saved_at=datetime.fromisoformat(data["saved_at"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.info("start-up snapshot ignored: %s", exc)
        return None


def last_watchlist(config_path: Path) -> tuple[str, list[str]] | None:
    """The watchlist name and symbols the last session showed for this config, even if the
    config has changed since (its prices are then not used): the rows a start with nothing
    cached expects, shown as loading until storage says which list and symbols are the user's."""
    try:
        data = json.loads(snapshot_file(config_path).read_text(encoding="utf-8"))
        symbols = data["symbols"]
        if not isinstance(symbols, list):
            raise TypeError(f"symbols is a {type(symbols).__name__}")
        return str(data["watchlist"]), [str(s) for s in symbols]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.debug("no last watchlist: %s", exc)
        return None


def _row_to_json(row: Any) -> dict[str, Any]:
    quote = getattr(row, "quote", None)
    encoded = None
    if quote is not None:
        encoded = {name: getattr(quote, name, None) for name in QUOTE_FIELDS}
        encoded["market_state"] = str(getattr(quote.market_state, "value", quote.market_state))
        encoded["as_of"] = quote.as_of.isoformat()
        encoded["fetched_at"] = quote.fetched_at.isoformat()
    return {"quote": encoded, "error": getattr(row, "error", None)}


def _row_from_json(symbol: str, row: dict[str, Any]) -> CachedRow:
    encoded = row.get("quote")
    error = row.get("error")
    if encoded is None:
        return CachedRow(symbol, None, None if error is None else str(error))
    values = {name: encoded.get(name) for name in QUOTE_FIELDS}
    values["market_state"] = MarketState(values["market_state"])
    values["as_of"] = datetime.fromisoformat(values["as_of"])
    values["fetched_at"] = datetime.fromisoformat(values["fetched_at"])
    values["price"] = float(values["price"])
    for name in ("previous_close", "open", "day_high", "day_low", "volume"):
        values[name] = None if values[name] is None else float(values[name])
    for name in ("name", "currency"):
        values[name] = None if values[name] is None else str(values[name])
    values["symbol"] = str(values["symbol"])
    values["source"] = str(values["source"])
    values["simulated"] = bool(values["simulated"])
    return CachedRow(symbol, CachedQuote(**values), None if error is None else str(error))


@dataclass
class FirstFrame:
    """What the very first frame shows, before any service has started."""

    watchlist: str
    symbols: list[str]
    rows: dict[str, Any] = field(default_factory=dict)
    sparks: dict[str, list[float]] = field(default_factory=dict)
    status: list[tuple[str, str]] = field(default_factory=list)


def first_frame(
    snapshot: Snapshot | None, config_path: Path | None, default_watchlist: list[str]
) -> FirstFrame:
    """The last session's rows, marked STALE with their real ages, until the first refresh
    replaces them; or, with nothing cached, the rows this start expects, each "loading…" (the
    list the last session showed, else the config's default watchlist) until storage says which
    list and symbols are the user's."""
    from ..core.errors import InvalidSymbol
    from ..core.symbols import normalize_symbol
    from .formatting import fmt_time

    if snapshot is not None:
        status = [(f"cached prices from {fmt_time(snapshot.saved_at)}: refreshing…", "bold yellow")]
        return FirstFrame(
            snapshot.watchlist, list(snapshot.symbols), dict(snapshot.rows), dict(snapshot.sparks), status
        )
    expected = last_watchlist(config_path) if config_path is not None else None
    if expected is None:
        symbols = []
        for text in default_watchlist:
            try:
                symbols.append(normalize_symbol(text))
            except InvalidSymbol:  # storage's list will say the rest
                continue
        expected = ("Default", symbols)
    return FirstFrame(expected[0], list(expected[1]), status=[("starting…", "dim")])


def save_quietly(config_path: Path, *shown: Any) -> None:
    """``save_snapshot`` for the app's worker: a cache is never worth an error on screen."""
    try:
        save_snapshot(config_path, *shown)
    except (OSError, ValueError, TypeError) as exc:
        log.info("start-up snapshot not saved: %s", exc)
