"""The local journal of changes a storage refused: one file per process and per storage.

Each process writes its own file, ``pending-writes-<storage>-<pid>-<n>.json``, and holds a lock
(``flock``) on the same name with ``.lock`` while it runs. So two terminals on one machine never write
over each other's kept changes. When a process starts, it adopts the files of processes that
have ended (their lock is free): their changes join its own and the old files go. ``<storage>``
is a digest of the storage's identity (host, port, database, prefix or path, never a
password), so changes kept for one storage never land in another.

A journal is the user's data about to be written to their storage, so it is read with
suspicion: a file that is a symlink, belongs to another user or can be written by others is
refused (left where it is, and said); entries are parsed by a strict schema (``"deleted":
"no"`` is an error, not a delete); a file that cannot be read is set aside under a name of its
own (``.unreadable-<time>-<pid>``), never over an earlier one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import logging
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..core.files import USER_ONLY, atomic_write
from ..core.secrets import redact
from ..core.text import clean_line

log = logging.getLogger(__name__)

JOURNAL_VERSION = 1
PREFIX = "pending-writes-"
_SEQUENCE = itertools.count()


class JournalEntry(BaseModel):
    """One kept change, as written (strict: a wrong type is an unreadable journal)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    key: str
    deleted: bool
    value: Any = None
    base_known: bool
    base: Any = None
    since: float


class JournalFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    v: Literal[1]
    changes: list[JournalEntry]


def journal_path_for(identity: str, folder: Path) -> Path:
    """The journal's base name for a storage: ``folder/pending-writes-<digest>.json``; each
    process writes ``<base>-<pid>.json`` beside it."""
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return folder / f"{PREFIX}{digest}.json"


def _why(exc: BaseException) -> str:
    return clean_line(redact(str(exc)))[:160] or type(exc).__name__


def _refusal(path: Path) -> str | None:
    """Why a journal file must not be trusted, or None."""
    info = os.stat(path, follow_symlinks=False)
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file"
    if info.st_uid != os.getuid():
        return "it belongs to another user"
    if info.st_mode & 0o022:
        return "others can write to it"
    return None


def _read(path: Path) -> list[JournalEntry]:
    """Raises: OSError, ValueError (not a journal of this version)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read()
    try:
        return JournalFile.model_validate(json.loads(data)).changes
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{where}: {first['msg']}") from None


class Journal:
    """This process's journal for one storage.

    Args:
        base: ``journal_path_for(...)``; this process's file is ``<base stem>-<pid>.json``.
    """

    def __init__(self, base: Path) -> None:
        self.base = base
        self.folder = base.parent
        # one file per journal made in this process (the app has one; tests have several)
        self.path = base.with_name(f"{base.stem}-{os.getpid()}-{next(_SEQUENCE)}.json")
        self.problems: list[str] = []  # what the user should be told (refused or set-aside files)
        self._lock: int | None = None

    # --- this process's own file -------------------------------------------------------

    def _hold_lock(self) -> None:
        if self._lock is not None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, USER_ONLY)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # our own pid: nobody else holds it
        self._lock = fd

    def save(self, entries: list[dict[str, Any]]) -> None:
        """Write this process's kept changes (an empty list removes the file).

        Raises: OSError, TypeError, ValueError (not JSON: nothing written).
        """
        if not entries:
            self.path.unlink(missing_ok=True)
            return
        payload = json.dumps({"v": JOURNAL_VERSION, "changes": entries})
        self._hold_lock()
        atomic_write(self.path, payload, mode=USER_ONLY)

    def close(self) -> None:
        """Let go of the lock: from now on another process may adopt what is left."""
        if self._lock is not None:
            with contextlib.suppress(OSError):
                if not self.path.exists():
                    self.path.with_suffix(".lock").unlink(missing_ok=True)
                os.close(self._lock)
            self._lock = None

    # --- other processes' files ----------------------------------------------------------

    def _candidates(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        found = [self.base] if self.base.exists() or self.base.is_symlink() else []  # an older version's
        found += sorted(self.folder.glob(f"{self.base.stem}-*.json"))
        return [p for p in found if p != self.path]

    def _owner_alive(self, path: Path) -> bool:
        """Whether the process that wrote ``path`` still runs (it holds the file's lock)."""
        lock = path.with_suffix(".lock")
        if path == self.base or not lock.exists():
            return False
        try:
            fd = os.open(lock, os.O_RDWR | os.O_NOFOLLOW)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def adopt(self, accept: Callable[[JournalEntry], bool] = lambda entry: True) -> list[JournalEntry]:
        """The changes kept by processes that have ended, oldest first. A file holding an
        entry ``accept`` refuses is set aside whole. Save the merged changes, then call
        ``forget_adopted`` to remove the files read."""
        entries: list[JournalEntry] = []
        self._adopted: list[Path] = []
        for path in self._candidates():
            if self._owner_alive(path):
                continue  # another terminal's, still running: its changes are its own
            try:
                refusal = _refusal(path)
            except OSError:
                continue  # gone meanwhile
            if refusal:
                self.problems.append(f"ignored the kept-changes file {path}: {refusal}")
                log.warning("ignored the kept-changes file %s: %s", path, refusal)
                continue
            try:
                found = _read(path)
                refused = next((e.key for e in found if not accept(e)), None)
                if refused is not None:
                    raise ValueError(f"an entry for {refused!r}, which is not a record of yours")
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                self._set_aside(path, _why(exc))
                continue
            entries += found
            self._adopted.append(path)
        return sorted(entries, key=lambda e: e.since)

    def forget_adopted(self) -> None:
        """Remove the files ``adopt`` read (after their changes are saved in ours)."""
        for path in getattr(self, "_adopted", []):
            if path == self.path:
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                path.with_suffix(".lock").unlink(missing_ok=True)
        self._adopted = []

    def _set_aside(self, path: Path, why: str) -> None:
        aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}-{os.getpid()}")
        n = 0
        while aside.exists():  # never over an earlier one
            n += 1
            aside = aside.with_name(f"{path.name}.unreadable-{int(time.time())}-{os.getpid()}-{n}")
        with contextlib.suppress(OSError):
            os.replace(path, aside)
        self.problems.append(f"set aside an unreadable kept-changes file as {aside}: {why}")
        log.warning("set aside an unreadable pending-writes journal as %s: %s", aside, why)
