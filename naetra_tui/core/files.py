"""The one atomic file write: every file naetra-tui writes (config, its ``.prev``, secrets,
toggles, the pending-write journal, the start-up snapshot) goes through :func:`atomic_write`.

A temp file of its own in the same folder (``mkstemp``: a new name per call and per process,
created exclusively, so it never follows a planted symlink and two writers never share it),
written and fsynced, then renamed over the target: a crash or kill at any moment leaves either
the old file or the new one, never half of one. The new file gets the target's mode when the
target exists (a 0600 config stays 0600), else ``mode`` (user-only by default: these files hold
the user's data).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

USER_ONLY = 0o600


def atomic_write(path: Path, data: str | bytes, *, mode: int = USER_ONLY, like: Path | None = None) -> None:
    """Replace ``path`` with ``data`` atomically.

    Args:
        path: the file to write; its folder is made if missing.
        data: text (written as UTF-8) or bytes.
        mode: permissions of a new file (an existing target's own mode is kept).
        like: take the mode from this file instead (``config.yaml.prev`` from ``config.yaml``).

    Raises:
        OSError: the folder or the file cannot be written (the target is left as it was).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    source = like if like is not None else path
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(os.stat(source).st_mode)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
