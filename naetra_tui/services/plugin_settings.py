"""A plugin's settings as people edit them (the Plugins screen's form, `naetra-tui plugin set`):
the fields its ``config_model`` declares, values typed as text read the way YAML reads them,
checked by that model, and secrets kept out of the config file (``config.secret_store``)."""

from __future__ import annotations

import ast
import inspect
import itertools
import os
import re
import textwrap
from dataclasses import dataclass
from typing import Any

from ..core.secrets import is_secret_key

_REFERENCE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


@dataclass
class SettingField:
    """One setting of a plugin's config model, for a form."""

    name: str
    kind: str  # the type as written: "float", "str | None" ...
    default: Any
    help: str
    secret: bool


def plugin_class(entry: Any, category: str) -> Any:
    """The class a config entry names (``plugin:`` or ``class:``). Raises: NaetraError."""
    from ..plugin_host.discovery import resolve_class_path, resolve_entry_point

    get = (
        entry.get
        if isinstance(entry, dict)
        else lambda k: getattr(entry, "class_path" if k == "class" else k)
    )
    if get("plugin"):
        return resolve_entry_point(category, str(get("plugin")), str(get("name")))[0]
    return resolve_class_path(category, str(get("class")), str(get("name")))[0]


def _attribute_docstrings(model: type) -> dict[str, str]:
    """``field: type = default`` followed by a ``\"\"\"docstring\"\"\"``: the plugins' style."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(model)))
    except (OSError, TypeError, SyntaxError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs: dict[str, str] = {}
    for node, following in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = " ".join(following.value.value.split())
    return docs


def setting_fields(model: type | None) -> list[SettingField]:
    """The fields of a pydantic config model, in order, with their help text."""
    if model is None:
        return []
    from pydantic_core import PydanticUndefined

    docs = _attribute_docstrings(model)
    out = []
    for name, field in model.model_fields.items():  # type: ignore[attr-defined]
        default = (
            field.get_default(call_default_factory=True)
            if field.default is not PydanticUndefined or field.default_factory
            else None
        )
        kind = getattr(field.annotation, "__name__", None) or str(field.annotation).replace("typing.", "")
        secret = is_secret_key(name) or "SecretStr" in str(field.annotation)  # by type, not only by name
        out.append(SettingField(name, kind, default, field.description or docs.get(name, ""), secret))
    return out


_URL_PASSWORD = re.compile(
    r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@/\s]+)(?P<tail>@.*)$"
)


def url_password(value: Any) -> str | None:
    """The password part of a URL or DSN (``redis://:PASS@host``, ``postgresql://u:PASS@h/db``),
    as written; None when there is none or it is already a ``${...}`` reference."""
    if not isinstance(value, str):
        return None
    match = _URL_PASSWORD.match(value.strip())
    if match is None or _REFERENCE.fullmatch(match.group("password")):
        return None
    return match.group("password")


def secret_names(model: type | None) -> set[str]:
    """The fields of a config model that hold secrets: typed ``SecretStr`` or named like one."""
    return {f.name for f in setting_fields(model) if f.secret}


def parse_value(raw: str) -> Any:
    """Text as YAML reads it: ``5`` a number, ``true`` a boolean, ``${VAR}`` kept as written."""
    import yaml

    if raw.startswith("${"):
        return raw
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    return value if isinstance(value, str | int | float | bool | list | dict) or value is None else raw


def resolved(value: Any) -> Any:
    """A ``${VARIABLE}`` reference as what it stands for (text, when it is unset here)."""
    if isinstance(value, str) and (match := _REFERENCE.fullmatch(value)):
        from ..config.secret_store import lookup

        return os.environ.get(match.group(1)) or lookup(match.group(1)) or match.group(2) or "unset"
    return value


def problems(model: type | None, config: dict[str, Any]) -> dict[str, str]:
    """Field -> what is wrong with it, by the plugin's own model (empty: all good)."""
    if model is None:
        return {}
    from pydantic import ValidationError

    try:
        model.model_validate({k: resolved(v) for k, v in config.items()})  # type: ignore[attr-defined]
    except ValidationError as exc:
        import difflib

        out: dict[str, str] = {}
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"][:1]) or "config"
            message = error["msg"]
            if error["type"] == "extra_forbidden":
                close = difflib.get_close_matches(where, list(model.model_fields), n=1)  # type: ignore[attr-defined]
                known = ", ".join(model.model_fields)  # type: ignore[attr-defined]
                message = (
                    f"no such setting{f' (did you mean {close[0]}?)' if close else ''}; its settings: {known}"
                )
            out.setdefault(where, message)
        return out
    return {}


def keep_secrets(
    category: str, name: str, values: dict[str, Any], model: type | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Secrets typed in clear go to the secret store; the values get references instead:
    every field the plugin's model types as ``SecretStr`` (or that is named like a secret), and
    the password part of any URL or DSN, whatever its key. Returns the values to write and,
    per secret kept, where it went."""
    from ..config.secret_store import keep, reference_for
    from ..core.secrets import register_secret

    secret = secret_names(model)
    out, kept = dict(values), []
    for key, value in values.items():
        if not isinstance(value, str) or not value or _REFERENCE.fullmatch(value):
            continue
        if key in secret or is_secret_key(key):
            register_secret(value)
            reference = reference_for(category, name, key)
            where = keep(reference, value)
            out[key] = f"${{{reference}}}"
            kept.append(f"{key} is kept in {where}; the config says ${{{reference}}}")
        elif (password := url_password(value)) is not None:
            register_secret(password)
            reference = reference_for(category, name, f"{key}_password")
            where = keep(reference, password)
            match = _URL_PASSWORD.match(value.strip())
            assert match is not None
            out[key] = f"{match.group('head')}${{{reference}}}{match.group('tail')}"
            kept.append(f"the password in {key} is kept in {where}; the config says ${{{reference}}}")
    return out, kept
