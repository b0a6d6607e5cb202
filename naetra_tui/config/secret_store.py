"""Secrets typed into the app or `naetra-tui plugin set` are kept out of the config file.

They go to the OS keyring where ``keyring`` finds a usable backend (a desktop's Secret
Service, macOS Keychain, Windows Credential Locker), otherwise to ``secrets.json`` in the user
config directory, readable by the user only (0600, written atomically). The config gets a
``${NAETRA_SECRET_...}`` reference, which the loader resolves from the environment first, then
the keyring, then the file.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from ..core.errors import ConfigurationError
from ..core.files import USER_ONLY, atomic_write
from ..core.paths import user_config_dir

PREFIX = "NAETRA_SECRET_"
SERVICE = "naetra-tui"  # the keyring's service name for our secrets
#: How long a keyring call may take (a locked or hung Secret Service never answers).
KEYRING_TIMEOUT = 3.0
log = logging.getLogger(__name__)
T = TypeVar("T")
_keyring_hung = False  # once a call has hung, this process uses the file store only


def _bounded(call: Callable[[], T]) -> T:
    """``call()`` in a daemon thread, at most ``KEYRING_TIMEOUT`` seconds.

    Raises: TimeoutError (the thread is left behind; it cannot block the exit), or what
    ``call`` raised."""
    global _keyring_hung
    if _keyring_hung:
        raise TimeoutError("the keyring did not answer earlier")
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # carried to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=run, name="naetra-keyring", daemon=True)
    thread.start()
    thread.join(KEYRING_TIMEOUT)
    if thread.is_alive():
        _keyring_hung = True
        log.warning("the system keyring did not answer within %g s; using the file store", KEYRING_TIMEOUT)
        raise TimeoutError(f"the keyring did not answer within {KEYRING_TIMEOUT:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def system_keyring() -> Any:
    """The ``keyring`` module when it has a usable backend, else None (headless Linux often
    has only the "fail" backend: then the file is the store)."""
    try:
        import keyring
    except ImportError:
        return None
    try:
        backend = _bounded(keyring.get_keyring)
    except Exception:  # a broken or hung keyring: fall back to the file
        return None
    if getattr(backend, "priority", 0) <= 0 or type(backend).__module__.startswith("keyring.backends.fail"):
        return None
    return keyring


def store_path() -> Path:
    return user_config_dir() / "secrets.json"


def reference_for(category: str, name: str, key: str) -> str:
    """The variable name a secret is kept under: ``NAETRA_SECRET_DATA_COLLECTORS_AV_API_KEY``."""
    return PREFIX + re.sub(r"[^A-Z0-9]+", "_", f"{category}_{name}_{key}".upper()).strip("_")


def stored() -> dict[str, str]:
    """The kept secrets (empty when there is no store). A store others can read is refused."""
    path = store_path()
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        return {}
    if mode & 0o077:
        raise ConfigurationError(f"{path} is readable by other users (mode {mode:o}): run chmod 600 {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read the secret store {path}: {exc.__class__.__name__}") from None
    return (
        {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(data, dict)
        else {}
    )


def keep(reference: str, value: str) -> str:
    """Save one secret: in the keyring if usable, else in the file (atomic, 0600). Returns
    where it went, for the user."""
    keyring = system_keyring()
    if keyring is not None:
        try:
            _bounded(lambda: keyring.set_password(SERVICE, reference, value))
            return "the system keyring"
        except Exception as exc:  # locked, refused: the file still keeps it
            log.warning("the keyring refused the secret (%s); keeping it in the file", type(exc).__name__)
    path = store_path()
    secrets = stored()
    secrets[reference] = value
    atomic_write(path, json.dumps(secrets), mode=USER_ONLY)
    return f"{path} (readable by you only)"


def lookup(reference: str) -> str | None:
    """A kept secret: from the keyring, else the file (None: not kept)."""
    keyring = system_keyring()
    if keyring is not None:
        try:
            value = _bounded(lambda: keyring.get_password(SERVICE, reference))
        except Exception:
            value = None
        if value is not None:
            return str(value)
    return stored().get(reference)


class KeptSecrets(Mapping[str, str]):
    """The kept secrets as the loader's ``${VAR}`` lookup sees them (only NAETRA_SECRET_ names,
    each looked up when a config refers to it)."""

    def __getitem__(self, name: str) -> str:
        value = lookup(name) if name.startswith(PREFIX) else None
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.startswith(PREFIX) and lookup(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(stored())

    def __len__(self) -> int:
        return len(stored())
