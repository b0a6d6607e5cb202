"""Re-importing a plugin's own code while the app runs (``r`` on the Plugins screen), for
people developing a plugin: edit the file, press ``r``, see the new code run.

Every module of the plugin's top-level package is dropped from ``sys.modules`` (so helper
modules it imports are fresh too), with their cached bytecode, and the class is imported
again. If the edited code does not import, the dropped modules are put back: the plugin that
was running keeps running on the old code. Our own package (built-in plugins, and ``core``,
the guide's alias for it) is never re-imported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from . import discovery
from .record import PluginRecord

NEVER_REIMPORTED = frozenset({"naetra_tui", "core"})


def top_package(record: PluginRecord) -> str | None:
    """The top-level package the plugin's code lives in; None for our own (built-in) code."""
    module = type(record.instance).__module__ if record.instance is not None else None
    if module is None and record.entry.class_path:
        module = record.entry.class_path.rpartition(".")[0]
    if module is None and record.entry.plugin:
        target = next(
            (ep.value for ep in discovery._entry_points(record.category) if ep.name == record.entry.plugin),
            "",
        )
        module = target.partition(":")[0]
    top = (module or "").partition(".")[0]
    return top if top and top not in NEVER_REIMPORTED else None


def _drop_bytecode(module: ModuleType) -> None:
    """Python trusts a .pyc whose source has the same size and mtime second: an edit made
    within the second it was imported would be missed."""
    file = getattr(module, "__file__", None)
    if not file or not file.endswith(".py"):
        return
    try:
        Path(importlib.util.cache_from_source(file)).unlink(missing_ok=True)
    except (OSError, ValueError, NotImplementedError):
        pass


def reimport(record: PluginRecord, resolve: Callable[[], tuple[Any, str]]) -> bool:
    """Forget the plugin's modules and import its class again with ``resolve``.

    Returns:
        True when its code was re-imported, False for built-in code (nothing to re-import).

    Raises:
        PluginLoadError: the edited code does not import; the old modules are back in place.
    """
    top = top_package(record)
    if top is None:
        return False
    names = [n for n in sys.modules if n == top or n.startswith(top + ".")]
    dropped = {name: sys.modules.pop(name) for name in names}
    for module in dropped.values():
        _drop_bytecode(module)
    importlib.invalidate_caches()
    try:
        resolve()
    except BaseException:
        for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            del sys.modules[name]  # what the failed import left half-made
        sys.modules.update(dropped)
        raise
    return True
