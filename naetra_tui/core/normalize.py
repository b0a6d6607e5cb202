"""Turn what a plugin returned into the typed models, at the service boundary.

Accepted shapes (a guide-style plugin returns plain dicts):

* **History** (``to_history``): a ``PriceHistory``; a mapping of columns
  ``{"timestamp"|"date"|"time"|"datetime": [...], "open": [...], "high": [...], "low": [...],
  "close": [...], "volume": [...]}`` (keys case-insensitive, ``adj close`` accepted for close,
  optionally nested under ``"data"`` or ``"bars"``); a list of per-bar mappings with those keys;
  a pandas DataFrame with a datetime index or a time column. Timestamps may be datetimes, ISO
  strings, ``numpy.datetime64`` or epoch seconds/milliseconds. Bars are sorted, a duplicated
  timestamp keeps its last bar, bars whose close is missing or NaN are dropped.
* **Fundamentals** (``to_fundamentals``): a ``Fundamentals`` or a mapping using our field names
  or Yahoo's camelCase names (``trailingPE``, ``marketCap`` ...). ``None``, ``"None"``, ``"-"``
  and ``""`` mean missing. Unknown keys are kept in ``extra``.
* **Quote** (``to_quote``): a ``Quote`` or a mapping with ``price`` (or ``last``/``close``/
  ``regularMarketPrice``) and optional ``previous_close``, ``volume`` ...
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .errors import DataUnavailable
from .models import Fundamentals, PriceHistory, Quote, utcnow
from .text import clean_line

_TIME_KEYS = ("timestamp", "timestamps", "date", "time", "datetime", "index")
_COLUMN_ALIASES = {
    "open": ("open", "o"),
    "high": ("high", "h"),
    "low": ("low", "l"),
    "close": ("close", "c", "adj close", "adj_close", "price"),
    "volume": ("volume", "v", "vol"),
}
_MISSING_TEXT = {"", "none", "-", "null", "nan", "n/a"}


def missing_to_none(value: Any) -> Any:
    """Map the many spellings of "missing" to ``None``; leave other values alone."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in _MISSING_TEXT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def to_float(value: Any) -> float | None:
    """A float, or ``None`` when the value is missing or not a finite number."""
    value = missing_to_none(value)
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(str(value).rstrip("%")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _to_datetime64(values: Sequence[Any]) -> np.ndarray:
    """Timestamps of any accepted kind to ``datetime64[s]`` (UTC)."""
    out = np.empty(len(values), dtype="datetime64[s]")
    for i, value in enumerate(values):
        if isinstance(value, np.datetime64):
            out[i] = value.astype("datetime64[s]")
        elif isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=UTC)
            out[i] = np.datetime64(int(aware.timestamp()), "s")
        elif isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
            seconds = float(value) / 1000.0 if abs(float(value)) > 1e11 else float(value)
            out[i] = np.datetime64(int(seconds), "s")
        elif isinstance(value, str):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            out[i] = np.datetime64(int(aware.timestamp()), "s")
        elif hasattr(value, "to_pydatetime"):  # pandas Timestamp
            out[i] = np.datetime64(int(value.to_pydatetime().timestamp()), "s")
        else:
            raise TypeError(f"unrecognised timestamp {type(value).__name__}")
    return out


def _pick(columns: Mapping[str, Any], names: Sequence[str]) -> Any:
    for name in names:
        if name in columns:
            return columns[name]
    return None


def _columns_from(raw: Any) -> dict[str, Any]:
    """Lower-cased column mapping from a dict, a list of bars, or a DataFrame."""
    if hasattr(raw, "columns") and hasattr(raw, "index"):  # pandas DataFrame, duck-typed
        frame = raw
        columns = {str(c).lower(): frame[c].to_numpy() for c in frame.columns}
        if not any(k in columns for k in _TIME_KEYS):
            columns["timestamp"] = list(frame.index)
        return columns
    if isinstance(raw, Mapping):
        for nested in ("data", "bars", "history"):
            if nested in raw and not any(str(k).lower() in _COLUMN_ALIASES["close"] for k in raw):
                return _columns_from(raw[nested])
        return {str(k).lower(): v for k, v in raw.items()}
    if isinstance(raw, Sequence) and not isinstance(raw, str | bytes):
        bars = [{str(k).lower(): v for k, v in bar.items()} for bar in raw if isinstance(bar, Mapping)]
        if len(bars) != len(raw):
            raise TypeError("a list of bars must hold only mappings")
        keys = set().union(*bars) if bars else set()
        return {key: [bar.get(key) for bar in bars] for key in keys}
    raise TypeError(f"unrecognised history type {type(raw).__name__}")


def to_history(
    raw: Any, *, symbol: str, timeframe: str, source: str, simulated: bool = False
) -> PriceHistory:
    """Normalise a collector's ``get_market_data`` result into a ``PriceHistory``.

    Raises:
        DataUnavailable: the shape is not one of the accepted ones, or no bar has a close.
    """
    if isinstance(raw, PriceHistory):
        return raw
    try:
        columns = _columns_from(raw)
        times = _pick(columns, _TIME_KEYS)
        close = _pick(columns, _COLUMN_ALIASES["close"])
        if times is None or close is None:
            raise TypeError("needs a time column and a close column")
        n = len(close)
        stamps = _to_datetime64(list(times))
        if len(stamps) != n:
            raise TypeError("columns have different lengths")

        def column(name: str) -> np.ndarray:
            values = _pick(columns, _COLUMN_ALIASES[name])
            if values is None:
                return np.full(n, np.nan) if name != "volume" else np.zeros(n)
            floats = [to_float(v) for v in list(values)]
            if len(floats) != n:
                raise TypeError("columns have different lengths")
            return np.array([np.nan if v is None else v for v in floats], dtype=np.float64)

        cols = {name: column(name) for name in _COLUMN_ALIASES}
    except (TypeError, ValueError, KeyError) as exc:
        raise DataUnavailable(
            f"{source} returned history for {symbol} in a shape naetra-tui cannot read ({type(exc).__name__})",
            symbol=symbol,
            source=source,
        ) from exc
    return history_from_arrays(symbol, timeframe, stamps, cols, source=source, simulated=simulated)


def history_from_arrays(
    symbol: str,
    timeframe: str,
    stamps: np.ndarray,
    cols: Mapping[str, np.ndarray],
    *,
    source: str,
    simulated: bool = False,
    fetched_at: datetime | None = None,
) -> PriceHistory:
    """Clean column arrays (sort, de-duplicate, drop NaN closes) into a ``PriceHistory``.

    Raises:
        DataUnavailable: no bar is left.
    """
    keep = ~np.isnan(cols["close"])
    stamps = stamps[keep]
    cleaned = {k: np.asarray(v, dtype=np.float64)[keep] for k, v in cols.items()}
    order = np.argsort(stamps, kind="stable")
    stamps = stamps[order]
    cleaned = {k: v[order] for k, v in cleaned.items()}
    if len(stamps):  # keep the last bar of each duplicated timestamp
        last_of_run = np.append(stamps[1:] != stamps[:-1], True)
        stamps = stamps[last_of_run]
        cleaned = {k: v[last_of_run] for k, v in cleaned.items()}
    if not len(stamps):
        raise DataUnavailable(f"{source} has no price history for {symbol}", symbol=symbol, source=source)
    volume = np.nan_to_num(cleaned["volume"], nan=0.0)
    return PriceHistory(
        symbol=symbol,
        timeframe=timeframe,
        timestamps=stamps,
        open=cleaned["open"],
        high=cleaned["high"],
        low=cleaned["low"],
        close=cleaned["close"],
        volume=volume,
        source=source,
        simulated=simulated,
        fetched_at=fetched_at or utcnow(),
    )


def quote_from_history(history: PriceHistory) -> Quote:
    """The last bar of a history as a quote (previous bar's close as previous close)."""
    if not len(history):
        raise DataUnavailable(f"no bars for {history.symbol}", symbol=history.symbol, source=history.source)
    prev = float(history.close[-2]) if len(history) > 1 else None
    return Quote(
        symbol=history.symbol,
        price=float(history.close[-1]),
        previous_close=prev,
        open=to_float(history.open[-1]),
        day_high=to_float(history.high[-1]),
        day_low=to_float(history.low[-1]),
        volume=to_float(history.volume[-1]),
        source=history.source,
        simulated=history.simulated,
        as_of=history.last_timestamp or utcnow(),
        fetched_at=history.fetched_at,
    )


_QUOTE_ALIASES = {
    "price": ("price", "last", "regularMarketPrice", "currentPrice", "close"),
    "previous_close": ("previous_close", "previousClose", "regularMarketPreviousClose", "prev_close"),
    "open": ("open", "regularMarketOpen"),
    "day_high": ("day_high", "dayHigh", "high", "regularMarketDayHigh"),
    "day_low": ("day_low", "dayLow", "low", "regularMarketDayLow"),
    "volume": ("volume", "regularMarketVolume"),
}


def to_quote(raw: Any, *, symbol: str, source: str, simulated: bool = False) -> Quote:
    """Normalise a quote-like result into a ``Quote``.

    Raises:
        DataUnavailable: there is no usable price.
    """
    if isinstance(raw, Quote):
        return raw
    if not isinstance(raw, Mapping):
        raise DataUnavailable(
            f"{source} returned a quote for {symbol} naetra-tui cannot read", symbol=symbol, source=source
        )
    fields: dict[str, Any] = {}
    for field_name, aliases in _QUOTE_ALIASES.items():
        fields[field_name] = to_float(_pick(raw, aliases))
    if fields["price"] is None:
        raise DataUnavailable(f"{source} returned no price for {symbol}", symbol=symbol, source=source)
    if not fields["price"] > 0 or not math.isfinite(fields["price"]):  # the Quote would refuse it
        raise DataUnavailable(
            f"{source} returned an unusable price for {symbol} (not a number above 0)",
            symbol=symbol,
            source=source,
        )
    name = missing_to_none(raw.get("name") or raw.get("shortName"))
    currency = missing_to_none(raw.get("currency"))
    return Quote(
        symbol=symbol,
        source=source,
        simulated=simulated,
        name=clean_line(name) if name is not None else None,  # remote text: cleaned where it enters
        currency=clean_line(currency) if currency is not None else None,
        **fields,
    )


_TEXT_FIELDS = frozenset({"quote_type", "name", "sector", "industry", "currency", "description"})
_FUNDAMENTAL_ALIASES = {
    "quoteType": "quote_type",
    "longName": "name",
    "shortName": "name",
    "longBusinessSummary": "description",
    "marketCap": "market_cap",
    "enterpriseValue": "enterprise_value",
    "trailingPE": "pe_trailing",
    "forwardPE": "pe_forward",
    "pegRatio": "peg",
    "trailingPegRatio": "peg",
    "priceToBook": "price_to_book",
    "priceToSalesTrailing12Months": "price_to_sales",
    "enterpriseToEbitda": "ev_to_ebitda",
    "trailingEps": "eps_trailing",
    "forwardEps": "eps_forward",
    "totalRevenue": "revenue",
    "netIncomeToCommon": "net_income",
    "bookValue": "book_value_per_share",
    "grossMargins": "gross_margin",
    "operatingMargins": "operating_margin",
    "profitMargins": "profit_margin",
    "returnOnEquity": "return_on_equity",
    "returnOnAssets": "return_on_assets",
    "revenueGrowth": "revenue_growth",
    "earningsGrowth": "earnings_growth",
    "debtToEquity": "debt_to_equity",
    "currentRatio": "current_ratio",
    "dividendYield": "dividend_yield",
    "payoutRatio": "payout_ratio",
    "fiftyTwoWeekHigh": "fifty_two_week_high",
    "fiftyTwoWeekLow": "fifty_two_week_low",
    "sharesOutstanding": "shares_outstanding",
}


def to_fundamentals(raw: Any, *, symbol: str, source: str, simulated: bool = False) -> Fundamentals:
    """Normalise a ``get_fundamentals`` result into ``Fundamentals``.

    Raises:
        DataUnavailable: the result is not a mapping.
    """
    if isinstance(raw, Fundamentals):
        return raw
    if not isinstance(raw, Mapping):
        raise DataUnavailable(
            f"{source} returned fundamentals for {symbol} naetra-tui cannot read",
            symbol=symbol,
            source=source,
        )
    known = Fundamentals.model_fields
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        target = _FUNDAMENTAL_ALIASES.get(str(key), str(key))
        if target in ("symbol", "source", "simulated", "extra", "fetched_at"):
            continue
        if target not in known:
            if missing_to_none(value) is not None and isinstance(value, str | int | float | bool):
                extra[str(key)] = value
            continue
        if target in values:  # first alias wins (longName before shortName)
            continue
        if target in _TEXT_FIELDS:
            cleaned = missing_to_none(value)
            values[target] = str(cleaned) if cleaned is not None else None
        else:
            values[target] = to_float(value)
    return Fundamentals(symbol=symbol, source=source, simulated=simulated, extra=extra, **values)
