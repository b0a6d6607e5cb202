"""Finding plugin code: entry points of installed packages, class paths, the user's plugins/.

* ``list_installed()`` lists every plugin registered in the entry-point groups
  ``naetra.<category>`` without importing any of them.
* ``resolve_plugin_class()`` imports one plugin's class (by ``class:`` path or ``plugin:`` name)
  and refuses anything that is not a concrete subclass of its category's interface, before any
  of it is called (``class: os.system`` is refused).
* ``add_user_plugin_dir()`` makes ``<config dir>/plugins/<category>/x.py`` importable as
  ``plugins.<category>.x`` next to the built-in plugins, without shadowing them: the user's
  directories are appended to the ``__path__`` of our ``plugins`` packages (the same thing
  ``pkgutil.extend_path`` does for directories on ``sys.path``).
* ``install_guide_aliases()`` lets code written exactly as the guide shows
  (``from core.interfaces import IDataCollector``) import our ``naetra_tui.core``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import inspect
import logging
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from .errors import PluginLoadError
from .interfaces import CATEGORIES, IPlugin

log = logging.getLogger(__name__)

ENTRY_POINT_PREFIX = "naetra."
OWN_DISTRIBUTION = "naetra-tui"


@dataclass(frozen=True)
class InstalledPlugin:
    """A plugin registered by an installed package (not imported)."""

    category: str
    name: str
    target: str
    distribution: str
    version: str

    @property
    def origin(self) -> str:
        if self.distribution == OWN_DISTRIBUTION:
            return "built-in"
        return f"{self.distribution} {self.version}".strip()


def _entry_points(category: str) -> list[metadata.EntryPoint]:
    return list(metadata.entry_points(group=ENTRY_POINT_PREFIX + category))


def _describe(category: str, ep: metadata.EntryPoint) -> InstalledPlugin:
    dist = getattr(ep, "dist", None)
    name = dist.metadata["Name"] if dist is not None else "?"
    version = dist.version if dist is not None else ""
    return InstalledPlugin(category, ep.name, ep.value, name or "?", version or "")


def list_installed(category: str | None = None) -> list[InstalledPlugin]:
    """Every installed plugin (optionally of one category), without importing any."""
    categories = [category] if category else list(CATEGORIES)
    found: dict[tuple[str, str], InstalledPlugin] = {}
    for cat in categories:
        for ep in _entry_points(cat):
            found.setdefault((cat, ep.name), _describe(cat, ep))
    return sorted(found.values(), key=lambda p: (list(CATEGORIES).index(p.category), p.name))


def _check_class(obj: Any, category: str, what: str, name: str) -> type[IPlugin]:
    interface = CATEGORIES[category]
    if not isinstance(obj, type):
        raise PluginLoadError(
            f"'{what}' is a {type(obj).__name__}, not a plugin class; "
            f"it must be a class implementing {interface.__name__}",
            category=category,
            name=name,
        )
    if not issubclass(obj, interface):
        raise PluginLoadError(
            f"'{what}' does not implement {interface.__name__} (required for {category}); "
            f"subclass naetra_tui.core.interfaces.{interface.__name__}",
            category=category,
            name=name,
        )
    if inspect.isabstract(obj):
        missing = ", ".join(sorted(getattr(obj, "__abstractmethods__", ())))
        raise PluginLoadError(f"'{what}' does not implement: {missing}", category=category, name=name)
    return obj


def _import_error(exc: BaseException, module_path: str, category: str, name: str) -> PluginLoadError:
    if isinstance(exc, ModuleNotFoundError):
        detail = f"no module named '{exc.name}'" if exc.name else str(exc)
        return PluginLoadError(f"cannot import '{module_path}': {detail}", category=category, name=name)
    return PluginLoadError(
        f"importing '{module_path}' raised {type(exc).__name__}: {exc}", category=category, name=name
    )


def origin_of_entry_point(category: str, plugin_name: str) -> str | None:
    """Where an installed plugin comes from (``built-in`` or ``package version``), without
    importing it (for plugins that are configured but disabled); None if not installed."""
    for ep in _entry_points(category):
        if ep.name == plugin_name:
            return _describe(category, ep).origin
    return None


def resolve_entry_point(category: str, plugin_name: str, name: str) -> tuple[type[IPlugin], str]:
    """Load the class registered as ``plugin_name`` in ``naetra.<category>``.

    Returns:
        The class and its origin (``built-in`` or ``package version``).

    Raises:
        PluginLoadError: no such plugin (lists the installed ones), its import raised, or it is
        not a class implementing the interface.
    """
    matches = [ep for ep in _entry_points(category) if ep.name == plugin_name]
    if not matches:
        installed = ", ".join(sorted({ep.name for ep in _entry_points(category)})) or "none"
        raise PluginLoadError(
            f"no installed plugin named '{plugin_name}' in {ENTRY_POINT_PREFIX}{category} "
            f"(installed: {installed})",
            category=category,
            name=name,
        )
    ep = matches[0]
    info = _describe(category, ep)
    try:
        obj = ep.load()
    except Exception as exc:
        raise _import_error(exc, ep.value, category, name) from exc
    return _check_class(obj, category, ep.value, name), info.origin


def resolve_class_path(category: str, class_path: str, name: str) -> tuple[type[IPlugin], str]:
    """Import ``package.module.Class`` and check it implements the category's interface.

    Raises:
        PluginLoadError: not a dotted path, module not importable, attribute missing, or not a
        concrete subclass of the interface.
    """
    module_path, _, attribute = class_path.rpartition(".")
    if not module_path or not attribute:
        raise PluginLoadError(
            f"'{class_path}' is not a dotted path like package.module.ClassName", category=category, name=name
        )
    try:
        module = importlib.import_module(module_path)
    except Exception as exc:
        raise _import_error(exc, module_path, category, name) from exc
    if not hasattr(module, attribute):
        raise PluginLoadError(
            f"module '{module_path}' has no attribute '{attribute}'", category=category, name=name
        )
    origin = "built-in" if module_path.startswith("plugins.") and _is_builtin(module) else class_path
    return _check_class(getattr(module, attribute), category, class_path, name), origin


def _is_builtin(module: ModuleType) -> bool:
    builtin_root = Path(__file__).resolve().parents[2] / "plugins"
    installed_root = _builtin_plugins_dir()
    file = Path(getattr(module, "__file__", "") or "").resolve()
    return any(root and root in file.parents for root in (builtin_root, installed_root))


def _builtin_plugins_dir() -> Path | None:
    try:
        import plugins
    except ImportError:
        return None
    first = list(getattr(plugins, "__path__", []))[:1]
    return Path(first[0]).resolve() if first else None


def add_user_plugin_dir(config_dir: Path) -> list[str]:
    """Make ``config_dir/plugins/...`` importable as ``plugins...`` beside the built-ins.

    Returns:
        The directories added (empty when there is no user plugins folder).
    """
    user_root = (config_dir / "plugins").resolve()
    if not user_root.is_dir():
        return []
    import plugins  # our built-in package; its __init__ uses pkgutil.extend_path

    added: list[str] = []
    packages: list[tuple[ModuleType, Path]] = [(plugins, user_root)]
    for category in CATEGORIES:
        sub = user_root / category
        if sub.is_dir():
            packages.append((importlib.import_module(f"plugins.{category}"), sub))
    for package, directory in packages:
        paths = package.__path__
        resolved = {str(Path(p).resolve()) for p in paths}
        if str(directory) not in resolved:
            paths.append(str(directory))  # appended: built-ins win a name clash
            added.append(str(directory))
    if added:
        importlib.invalidate_caches()
        log.info("user plugin folders added: %s", ", ".join(added))
    return added


class _GuideAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves ``core`` / ``core.*`` to the modules of ``naetra_tui.core`` (same objects), unless
    a real top-level ``core`` package exists on ``sys.path``."""

    def find_spec(
        self, fullname: str, path: Any, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "core":
            if importlib.machinery.PathFinder.find_spec("core") is not None:
                return None  # the user has their own ``core``: leave it alone
        elif not fullname.startswith("core.") or not isinstance(sys.modules.get("core"), _Alias):
            return None
        try:
            importlib.import_module("naetra_tui." + fullname)
        except ImportError:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=fullname == "core")

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        alias = _Alias(spec.name)
        alias.__dict__["_target"] = sys.modules["naetra_tui." + spec.name]
        return alias

    def exec_module(self, module: ModuleType) -> None:
        return None


class _Alias(ModuleType):
    """A module whose attributes are those of the aliased module (classes stay identical)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_target"], name)


def install_guide_aliases() -> None:
    """Let guide-style plugins write ``from core.interfaces import IDataCollector``.

    A real top-level ``core`` package on ``sys.path`` wins over the alias.
    """
    if not any(isinstance(f, _GuideAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _GuideAliasFinder())
