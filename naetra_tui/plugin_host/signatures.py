"""A plugin's methods checked against its interface when it loads (pluggy's ``_verify_hook``
is the model): a plugin's mistake is reported where it is made, not on the first call.

For every method of the interface that the plugin overrides:

- an ``async def`` of the interface must be an ``async def`` in the plugin (a plain ``def``
  would hand the caller a value where it awaits a coroutine);
- a method that streams (an async generator, or a plain ``def`` returning an async iterator)
  must not be an ``async def`` returning one (the caller iterates it, it never awaits it);
- the plugin's method must accept every parameter the interface declares, the way callers pass
  them: positional ones by position, keyword-only ones by name. A parameter needed only for an
  ability (``IStorage.store(..., ttl=)`` with ``supports_ttl``) is required only of plugins
  that declare the ability (see ``IPlugin.ability_parameters``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ..core.errors import PluginLoadError

_PLACEHOLDER = object()


def _interface_methods(interface: type) -> dict[str, Callable[..., Any]]:
    """Public methods the interface (and its bases) declares, most derived first."""
    methods: dict[str, Callable[..., Any]] = {}
    for klass in interface.__mro__:
        if klass is object:
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_") and inspect.isfunction(value):
                methods.setdefault(name, value)
    return methods


def _expected(name: str, method: Callable[..., Any]) -> str:
    """The signature a plugin should write, e.g. ``async def get_market_data(self, symbol: str, ...)``."""
    prefix = "async def" if inspect.iscoroutinefunction(method) else "def"
    # annotations are strings under postponed evaluation: shown as written, without quotes
    return f"{prefix} {name}{inspect.signature(method)}".replace("'", "")


def _call_shape(method: Callable[..., Any], skipped: set[str]) -> tuple[list[object], dict[str, object]]:
    """Placeholder arguments as callers pass them (``self`` included)."""
    positional: list[object] = []
    keywords: dict[str, object] = {}
    for param in inspect.signature(method).parameters.values():
        if param.name in skipped or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.kind is param.KEYWORD_ONLY:
            keywords[param.name] = _PLACEHOLDER
        else:
            positional.append(_PLACEHOLDER)
    return positional, keywords


def _problem(spec: Callable[..., Any], impl: Any, skipped: set[str]) -> str | None:
    if not callable(impl):
        return f"is a {type(impl).__name__}, not a method"
    spec_async = inspect.iscoroutinefunction(spec)
    impl_async = inspect.iscoroutinefunction(impl)
    if spec_async and not impl_async:
        return "is a plain def; it must be an async def"
    if not spec_async and impl_async:
        return "is an async def; it must stream (an async generator or a def returning one)"
    try:
        signature = inspect.signature(impl)
    except (TypeError, ValueError):
        return None  # a builtin or C method: nothing to read, trusted
    positional, keywords = _call_shape(spec, skipped)
    bound_self = isinstance(inspect.getattr_static(impl, "__self__", None), type) or inspect.ismethod(impl)
    try:
        signature.bind(*(positional[1:] if bound_self else positional), **keywords)
    except TypeError as exc:
        return f"does not accept the interface's parameters ({exc})"
    return None


def check_signatures(cls: type, interface: type, what: str, category: str, name: str) -> None:
    """Refuse ``cls`` if a method it overrides does not match ``interface``.

    Raises:
        PluginLoadError: one line naming the method and the signature expected.
    """
    abilities: dict[str, dict[str, str]] = getattr(interface, "ability_parameters", {})
    for method_name, spec in _interface_methods(interface).items():
        impl = inspect.getattr_static(cls, method_name, None)
        if impl is None or impl is spec:
            continue
        if isinstance(impl, staticmethod | classmethod):
            impl = getattr(cls, method_name)
        skipped = {
            param
            for param, ability in abilities.get(method_name, {}).items()
            if not getattr(cls, ability, False)
        }
        problem = _problem(spec, impl, skipped)
        if problem:
            raise PluginLoadError(
                f"'{what}': {method_name}() {problem}; {interface.__name__} expects "
                f"`{_expected(method_name, spec)}`",
                category=category,
                name=name,
            )
