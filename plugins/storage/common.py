"""What every storage backend shares: JSON encoding with clear errors, TTL arithmetic, migrations."""

from __future__ import annotations

import gc
import json
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import orjson

from naetra_tui.core.errors import StorageError

# The stdlib encoder is the reference: it decides every case the fast path is unsure of.
# (json.dumps() with options would build a new encoder on every call.)
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
# orjson encodes ~8x faster. Datetimes, dataclasses and subclasses pass through to the stdlib
# so both paths accept and refuse the same values.
_FAST_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
)

#: Current schema version of every backend; each backend migrates forward to it on start.
SCHEMA_VERSION = 1


def encode(key: str, value: Any) -> str:
    """JSON text of ``value``.

    Raises:
        StorageError: not JSON-serialisable (names the offending type); nothing is stored.
    """
    if not isinstance(key, str):
        raise StorageError(f"storage keys are text, not {type(key).__name__}")
    try:
        fast = orjson.dumps(value, option=_FAST_OPTIONS)
    except TypeError:  # big ints, non-text dict keys, circular values, unknown types: the stdlib decides
        fast = None
    # orjson writes NaN and infinity as null; any null (or a word containing it) is checked by the
    # stdlib, which refuses them instead of silently losing the number.
    if fast is not None and b"null" not in fast:
        return fast.decode()
    try:
        return _ENCODER.encode(value)
    except TypeError as exc:
        raise StorageError(
            f"cannot store key {shorten(key)}: {exc} (only JSON values: dict, list, str, number, bool, None)",
            key=key,
        ) from None
    except ValueError as exc:  # NaN / infinity / circular reference
        raise StorageError(f"cannot store key {shorten(key)}: {exc}", key=key) from None


def decode(text: str | bytes | None) -> Any:
    return None if text is None else json.loads(text)


def shorten(key: str, limit: int = 60) -> str:
    shown = key if len(key) <= limit else key[:limit] + f"…({len(key)} chars)"
    return repr(shown)


def expiry(ttl: float | None) -> float | None:
    """Absolute expiry (epoch seconds) of a time-to-live in seconds.

    Raises:
        StorageError: a TTL that is not a positive finite number.
    """
    if ttl is None:
        return None
    if not isinstance(ttl, int | float) or not math.isfinite(ttl) or ttl <= 0:
        raise StorageError(f"ttl must be a positive number of seconds, not {ttl!r}")
    return time.time() + float(ttl)


def pairs(items: Mapping[str, Any] | Iterable[tuple[str, Any]], *extra: Any) -> list[tuple[Any, ...]]:
    """Encode a batch up front so a bad value stops the batch before anything is written.

    Returns ``(key, json_text, *extra)`` per item (``extra``: e.g. an expiry column, so a
    backend need not copy every row into another tuple)."""
    source = items.items() if isinstance(items, Mapping) else items
    dumps, options = orjson.dumps, _FAST_OPTIONS
    encoded: list[tuple[Any, ...]] = []
    # A batch allocates tens of thousands of tuples and strings and no reference cycles: the
    # collector's passes over them (and over the whole heap, if one is triggered) are wasted.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _encode_into(encoded, source, dumps, options, extra)
    finally:
        if collecting:
            gc.enable()
    return encoded


def _encode_into(
    encoded: list[tuple[Any, ...]],
    source: Iterable[tuple[str, Any]],
    dumps: Any,
    options: int,
    extra: tuple[Any, ...],
) -> None:
    # encode()'s fast path inlined: a function call per item costs as much as orjson itself.
    for key, value in source:
        try:
            fast = dumps(value, option=options)
        except TypeError:
            fast = None
        if fast is None or b"null" in fast or type(key) is not str:
            encoded.append((key, encode(key, value), *extra))
        else:
            encoded.append((key, fast.decode(), *extra))


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix`` (None: no bound)."""
    chars = list(prefix)
    while chars:
        last = ord(chars[-1])
        if last < 0x10FFFF:
            chars[-1] = chr(last + 1)
            return "".join(chars)
        chars.pop()
    return None


Migration = Callable[[Any], Awaitable[None]]
