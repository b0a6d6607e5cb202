"""Reading config YAML: the line of every key path, bounded aliases, ``${ENV}`` interpolation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..core.errors import ConfigurationError

if TYPE_CHECKING:
    from .schema import NaetraConfig

Loc = tuple[str | int, ...]

#: Upper bound on YAML nodes after alias expansion; a real config has a few hundred.
MAX_YAML_NODES = 20_000
#: ...and on nesting: a real config is about five levels deep.
MAX_YAML_DEPTH = 50


@dataclass
class ConfigSource:
    """Where a config came from, to point errors at ``file:line``."""

    path: Path | None
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None

    def error(self, message: str, loc: Loc) -> ConfigurationError:
        return ConfigurationError(
            message,
            key_path=format_loc(loc) or None,
            file=str(self.path) if self.path else None,
            line=self.line_of(loc),
        )


@dataclass
class LoadedConfig:
    config: NaetraConfig
    source: ConfigSource
    found_by: str = ""

    @property
    def path(self) -> Path | None:
        return self.source.path

    @property
    def directory(self) -> Path | None:
        return self.source.path.parent if self.source.path else None


def format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# --- YAML -------------------------------------------------------------------------------------


def _walk_nodes(
    node: yaml.Node, loc: Loc, lines: dict[Loc, int], budget: list[int], source: ConfigSource
) -> None:
    """Record the line of every key path; stop alias bombs by counting expanded nodes."""
    budget[0] -= 1
    if budget[0] < 0:
        raise source.error(
            f"the YAML expands to more than {MAX_YAML_NODES} values (an alias bomb?); refusing to load it",
            loc,
        )
    lines.setdefault(loc, node.start_mark.line + 1)
    if len(loc) > MAX_YAML_DEPTH:
        raise source.error(
            f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep; a config never is", loc[:3]
        )
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise ConfigurationError(
                    f"duplicate key '{key}'",
                    key_path=format_loc((*loc, key)),
                    file=str(source.path) if source.path else None,
                    line=key_node.start_mark.line + 1,
                )
            seen.add(key)
            lines[(*loc, key)] = key_node.start_mark.line + 1
            _walk_nodes(value_node, (*loc, key), lines, budget, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk_nodes(item, (*loc, index), lines, budget, source)


def parse_yaml(text: str, path: Path | None) -> tuple[Any, ConfigSource]:
    """Parse YAML safely, returning the data and the key-path → line map.

    Raises:
        ConfigurationError: syntax error (with line and column), alias bomb, duplicate key.
    """
    source = ConfigSource(path)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ConfigurationError(
            "the file holds a NUL byte: it is not a text config (a binary or corrupted file?)",
            file=str(path) if path else None,
            line=line,
        )
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, source
        _walk_nodes(node, (), source.lines, [MAX_YAML_NODES], source)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigurationError(
            f"YAML syntax error{where}: {problem}",
            file=str(path) if path else None,
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"cannot read YAML: {exc}", file=str(path) if path else None) from None
    except RecursionError:
        raise ConfigurationError(
            "the YAML is nested too deeply to be a config (thousands of levels)",
            file=str(path) if path else None,
        ) from None
    finally:
        loader.dispose()
    return data, source


# --- ${ENV} interpolation ---------------------------------------------------------------------

_ENV_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def interpolate(value: Any, env: Mapping[str, str], source: ConfigSource, loc: Loc = ()) -> Any:
    """Replace ``${VAR}`` and ``${VAR:-default}`` in every string of the document.

    Raises:
        ConfigurationError: a variable is unset and has no default (names the variable).
    """
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in env and env[name] != "":
                return env[name]
            if default is not None:
                return default
            raise source.error(
                f"environment variable ${{{name}}} is not set (set it, or write ${{{name}:-default}})",
                loc,
            )

        return _ENV_PATTERN.sub(replace, value)
    if isinstance(value, dict):
        return {k: interpolate(v, env, source, (*loc, str(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, source, (*loc, i)) for i, v in enumerate(value)]
    return value
