"""``naetra-tui plugin new CATEGORY NAME [--dir PATH]``: a pip-installable plugin package that
works as it is — the entry point registered, a class with a config model and docstrings, a
README, and tests that run the contract kit (``naetra_tui.testing``)."""

from __future__ import annotations

import keyword
import re
from pathlib import Path

from . import scaffold_templates as templates

CATEGORIES = {
    "data_collectors": ("IDataCollector", "DataCollectorContract", templates.COLLECTOR),
    "analyzers": ("IAnalyzer", "AnalyzerContract", templates.ANALYZER),
    "llm": ("ILLMProvider", "LLMProviderContract", templates.LLM),
    "storage": ("IStorage", "StorageContract", templates.STORAGE),
    "notifiers": ("INotifier", "NotifierContract", templates.NOTIFIER),
}


class ScaffoldError(ValueError):
    """A name, category or folder that cannot be used (the message says why)."""


def class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Plugin"


def check_name(name: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"'{name[:40]}' cannot name a plugin: lower-case letters, digits and _, starting with a letter"
        )
    return name


def create(category: str, name: str, folder: Path | None = None) -> Path:
    """Write the package; returns its folder. Raises: ScaffoldError (nothing written)."""
    name = check_name(name)
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", category):
        raise ScaffoldError(f"'{category[:40]}' is not a category name")
    interface, contract, body = CATEGORIES.get(category, ("IPlugin", "PluginContract", templates.CUSTOM))
    folder = folder or Path.cwd() / f"naetra-plugin-{name.replace('_', '-')}"
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} is a file, not a folder: choose another --dir")
    if folder.exists() and any(folder.iterdir()):
        raise ScaffoldError(f"{folder} exists and is not empty: choose another --dir")
    package = f"naetra_plugin_{name}"
    values = {
        "name": name,
        "dist": f"naetra-plugin-{name.replace('_', '-')}",
        "package": package,
        "cls": class_name(name),
        "category": category,
        "interface": interface,
        "contract": contract,
    }
    files = {
        "pyproject.toml": templates.PYPROJECT,
        "README.md": templates.README,
        f"src/{package}/__init__.py": templates.INIT,
        f"src/{package}/plugin.py": body,
        "tests/test_plugin.py": templates.TESTS,
    }
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(templates.fill(text, values), encoding="utf-8")
    return folder
