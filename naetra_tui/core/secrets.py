"""Keep secrets out of logs, errors and screens.

Values of config keys that look secret (``api_key``, ``password``, ``token`` ...) and every
``SecretStr`` a plugin config holds are registered here; :func:`redact` replaces them (and any
``apikey=...`` query parameter) in text before it is logged or shown.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

_SECRET_KEY = re.compile(r"(api_?key|apikey|password|passwd|secret|token|dsn)", re.IGNORECASE)
_QUERY_SECRET = re.compile(r"((?:api_?key|apikey|token|password)=)[^&\s\"']+", re.IGNORECASE)
# userinfo's password, with or without a user name: scheme://[user]:PASSWORD@host
_URL_PASSWORD = re.compile(r"([a-zA-Z][\w+.-]*://[^:/\s@]*:)[^@/\s]+(@)")
_URL_PASSWORD_VALUE = re.compile(r"[a-zA-Z][\w+.-]*://[^:/\s@]*:([^@/\s]+)@")
_registered: set[str] = set()
_longest_first: list[str] = []  # _registered, longest first (a secret inside another goes after it)
REDACTED = "***"


def register_secret(value: Any) -> None:
    """Remember a secret value so that :func:`redact` hides it (very short values are ignored)."""
    text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
    if isinstance(text, str) and len(text) >= 4 and text not in _registered:
        _registered.add(text)
        _longest_first[:] = sorted(_registered, key=len, reverse=True)


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def register_secrets_in(mapping: Mapping[str, Any]) -> None:
    """Register the values of secret-looking keys, recursively, and the password of every URL
    (``redis://:PASSWORD@host``): a library may echo it alone, decoded, in an error."""
    from urllib.parse import unquote

    for key, value in mapping.items():
        if isinstance(value, Mapping):
            register_secrets_in(value)
        elif is_secret_key(str(key)) or hasattr(value, "get_secret_value"):
            register_secret(value)
        elif isinstance(value, str):
            for match in _URL_PASSWORD_VALUE.finditer(value):
                register_secret(match.group(1))
                register_secret(unquote(match.group(1)))


def has_secret(text: str) -> bool:
    """Whether ``text`` — plain, or JSON holding strings — may show a secret (a registered one,
    as written or JSON-escaped, a query-string key or a URL password): what ``redact`` hides."""
    import json

    for secret in _longest_first:
        if secret in text or json.dumps(secret)[1:-1] in text:
            return True
    return bool(
        ("=" in text and _QUERY_SECRET.search(text)) or ("://" in text and _URL_PASSWORD.search(text))
    )


def redact(text: str) -> str:
    """``text`` with every registered secret, query-string key and URL password replaced."""
    for secret in _longest_first:
        if secret in text:
            text = text.replace(secret, REDACTED)
    if "=" in text:  # the patterns need these: most text (names, numbers) skips the regexes
        text = _QUERY_SECRET.sub(lambda m: m.group(1) + REDACTED, text)
    if "://" in text:
        text = _URL_PASSWORD.sub(lambda m: m.group(1) + REDACTED + m.group(2), text)
    return text


def redacted_config(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a plugin's config fit for display: secret values replaced by ``***``."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            out[key] = redacted_config(value)
        elif value is not None and (is_secret_key(str(key)) or hasattr(value, "get_secret_value")):
            out[key] = REDACTED
        elif isinstance(value, str):
            out[key] = redact(value)
        else:
            out[key] = value
    return out


class RedactingFilter(logging.Filter):
    """Render each record once and strip secrets (API keys in URLs, passwords) from it.

    Attached to our log handlers, and by plugins to loggers of libraries that log URLs (httpx),
    so a secret never reaches any handler, ours or a test's.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def redact_logger(name: str) -> None:
    """Make every record of logger ``name`` pass through :class:`RedactingFilter`."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
