"""Finding plugin code: entry points of installed packages, class paths, the user's own folders.

* ``list_installed()`` lists every plugin registered in an entry-point group ``naetra.<category>``
  without importing any of them.
* ``resolve_entry_point()`` / ``resolve_class_path()`` import one plugin's class (by ``plugin:``
  name or ``class:`` path) and refuse anything that is not a concrete subclass of its category's
  interface before any of it is called (``class: os.system`` is refused).
* A ``class:`` path whose first part is a folder (or ``.py`` file) beside the config, as the
  guide's ``plugins/data_collectors/custom_source.py``, is imported from that folder as the user's
  own top-level package (``plugins``), with or without ``__init__.py`` files. Our built-ins live in
  ``naetra_tui.builtin``, so the two never collide and nothing of the user's is merged into ours.
* ``install_guide_alias()`` lets code written as the guide shows (``from core.interfaces import
  IDataCollector``) import ``naetra_tui.core``. It is called by the CLI's bootstrap and just
  before a ``class:`` plugin is imported, never at import time.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import logging
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from ..core.errors import PluginLoadError
from ..core.interfaces import CATEGORIES, IPlugin, interface_of
from .signatures import check_signatures

log = logging.getLogger(__name__)

ENTRY_POINT_PREFIX = "naetra."
OWN_DISTRIBUTION = "naetra-tui"
BUILTIN_PACKAGE = "naetra_tui.builtin"
_OWN_ROOT = Path(__file__).resolve().parents[1]  # the installed naetra_tui package


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


def installed_categories() -> list[str]:
    """The app's categories, then any other ``naetra.<category>`` group installed packages use."""
    groups = {g for g in metadata.entry_points().groups if g.startswith(ENTRY_POINT_PREFIX)}
    extra = sorted(g.removeprefix(ENTRY_POINT_PREFIX) for g in groups)
    return list(CATEGORIES) + [c for c in extra if c not in CATEGORIES and c.isidentifier()]


def list_installed(category: str | None = None) -> list[InstalledPlugin]:
    """Every installed plugin (optionally of one category), without importing any."""
    categories = [category] if category else installed_categories()
    found: dict[tuple[str, str], InstalledPlugin] = {}
    for cat in categories:
        for ep in _entry_points(cat):
            found.setdefault((cat, ep.name), _describe(cat, ep))
    order = {c: i for i, c in enumerate(categories)}
    return sorted(found.values(), key=lambda p: (order.get(p.category, len(order)), p.name))


def _check_class(obj: Any, category: str, what: str, name: str) -> type[IPlugin]:
    interface = interface_of(category)
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
    check_signatures(obj, interface, what, category, name)
    return obj


def _import_error(exc: BaseException, module_path: str, category: str, name: str) -> PluginLoadError:
    if isinstance(exc, ModuleNotFoundError):
        detail = f"no module named '{exc.name}'" if exc.name else str(exc)
        builtin = BUILTIN_PACKAGE + module_path.removeprefix("plugins")
        if module_path.startswith("plugins.") and importlib.util.find_spec(BUILTIN_PACKAGE) is not None:
            try:
                if importlib.util.find_spec(builtin) is not None:
                    detail += f"; the built-in plugins are '{builtin}' (or name it with 'plugin:')"
            except ModuleNotFoundError:
                pass
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


def resolve_class_path(
    category: str, class_path: str, name: str, user_dir: Path | None = None
) -> tuple[type[IPlugin], str]:
    """Import ``package.module.Class`` and check it implements the category's interface.

    Args:
        user_dir: the config's folder; a top-level package or module of that name there is
            imported from it (the user's own code).

    Returns:
        The class and its origin: ``built-in``, ``package version`` or the module's file.

    Raises:
        PluginLoadError: not a dotted path, module not importable, attribute missing, or not a
        concrete subclass of the interface.
    """
    module_path, _, attribute = class_path.rpartition(".")
    if not module_path or not attribute:
        raise PluginLoadError(
            f"'{class_path}' is not a dotted path like package.module.ClassName", category=category, name=name
        )
    install_guide_alias()
    if user_dir is not None:
        provide_user_package(module_path.partition(".")[0], user_dir)
    try:
        module = importlib.import_module(module_path)
    except Exception as exc:
        raise _import_error(exc, module_path, category, name) from exc
    if not hasattr(module, attribute):
        raise PluginLoadError(
            f"module '{module_path}' has no attribute '{attribute}'", category=category, name=name
        )
    cls = _check_class(getattr(module, attribute), category, class_path, name)
    return cls, origin_of_module(module, class_path, user_dir)


@functools.lru_cache(maxsize=1)
def _packages_distributions() -> dict[str, list[str]]:
    # one scan of every installed distribution's files (seconds in a large environment: newer
    # importlib_metadata checks each file exists), not one per plugin loaded
    return dict(metadata.packages_distributions())


def _distributions_of(top: str) -> list[str]:
    """The distributions providing the top-level package ``top`` (rescanned once if it is not
    known: a plugin pip-installed while the app runs)."""
    found = _packages_distributions().get(top)
    if found is None:
        _packages_distributions.cache_clear()
        found = _packages_distributions().get(top, [])
    return list(found)


def origin_of_module(module: ModuleType, class_path: str, user_dir: Path | None) -> str:
    """``built-in``, ``distribution version``, or the file of the user's own module."""
    file = Path(getattr(module, "__file__", "") or "")
    resolved = file.resolve() if file.name else None
    if module.__name__.startswith(BUILTIN_PACKAGE + ".") or module.__name__ == BUILTIN_PACKAGE:
        return "built-in"
    if resolved is not None and user_dir is not None and user_dir.resolve() in resolved.parents:
        return str(resolved)
    top = module.__name__.partition(".")[0]
    for dist_name in _distributions_of(top):
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            continue
        if resolved is not None and any(
            resolved == Path(str(dist.locate_file(f))).resolve() for f in dist.files or []
        ):
            return f"{dist.metadata['Name']} {dist.version}"
    return class_path


def is_own_directory(directory: Path) -> bool:
    """Whether ``directory`` is inside our installed package (the packaged default config)."""
    resolved = directory.resolve()
    return resolved == _OWN_ROOT or _OWN_ROOT in resolved.parents


def provide_user_package(top: str, user_dir: Path) -> bool:
    """Make ``user_dir/<top>/`` (or ``<top>.py``) importable as the top-level module ``top``.

    Nothing is added to ``sys.path``: only that one name is bound, from that folder. A package
    of the same name importable elsewhere (a pip-installed ``plugins``) stays reachable: its
    folders follow the user's in the package's ``__path__``.

    Returns:
        True when the name now comes from ``user_dir``.
    """
    if top in ("naetra_tui", "core") or not top.isidentifier() or is_own_directory(user_dir):
        return False
    folder, file = user_dir / top, user_dir / f"{top}.py"
    existing = sys.modules.get(top)
    if existing is not None:
        paths = getattr(existing, "__path__", None)
        if folder.is_dir() and paths is not None and str(folder.resolve()) not in _resolved(paths):
            paths.insert(0, str(folder.resolve()))  # the folder beside the config comes first
            importlib.invalidate_caches()
        return False
    if folder.is_dir():
        init = folder / "__init__.py"
        others = _other_portions(top, user_dir)
        if init.is_file():
            spec = importlib.util.spec_from_file_location(
                top, init, submodule_search_locations=[str(folder.resolve()), *others]
            )
        else:  # a namespace package, as Python makes of a folder without __init__.py
            spec = importlib.machinery.ModuleSpec(top, None, is_package=True)
            spec.submodule_search_locations = [str(folder.resolve()), *others]
    elif file.is_file():
        spec = importlib.util.spec_from_file_location(top, file)
    else:
        return False
    if spec is None:
        return False
    module = importlib.util.module_from_spec(spec)
    sys.modules[top] = module
    try:
        if spec.loader is not None:
            spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(top, None)
        raise
    log.info("user code '%s' loaded from %s", top, folder if folder.is_dir() else file)
    return True


def _resolved(paths: Any) -> set[str]:
    return {str(Path(p).resolve()) for p in paths}


def _other_portions(top: str, user_dir: Path) -> list[str]:
    """Folders of a package named ``top`` elsewhere on ``sys.path`` (not the user's)."""
    try:
        spec = importlib.machinery.PathFinder.find_spec(top)
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    own = str((user_dir / top).resolve())
    return [p for p in spec.submodule_search_locations if str(Path(p).resolve()) != own]


class _GuideAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves ``core`` / ``core.*`` to the modules of ``naetra_tui.core`` (the same objects, so
    ``issubclass`` holds), unless a real top-level ``core`` package exists on ``sys.path``."""

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


def install_guide_alias() -> None:
    """Let guide-style plugins write ``from core.interfaces import IDataCollector``.

    Called explicitly (CLI bootstrap, before importing a ``class:`` plugin); a real top-level
    ``core`` package on ``sys.path`` wins over the alias.
    """
    if not any(isinstance(f, _GuideAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _GuideAliasFinder())  # before PathFinder: core.* must not load twice
