"""The module development guide's contract, run as its readers run it: the "Register Plugin"
snippet in a folder holding the user's own ``plugins/`` package, against the installed package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import write
from tests.unit.test_plugin_manager import GUIDE_PLUGIN, make_distribution

# The guide's "Best Practices" plugin: a plain IPlugin with operation(), health_check(), cleanup().
GUIDE_CUSTOM_PLUGIN = """
import logging
from typing import Any, Dict

from core.interfaces import IPlugin

logger = logging.getLogger(__name__)
CLEANED = []


class CustomPlugin(IPlugin):
    async def initialize(self, config: Dict[str, Any]) -> None:
        logger.info(f"Initializing {self.__class__.__name__}")
        self.key = config["key"]

    async def operation(self):
        return {"status": "success", "key": self.key}

    async def health_check(self) -> bool:
        return True

    async def cleanup(self) -> None:
        CLEANED.append(self.key)
"""

GUIDE_CONFIG = """\
plugins:
  data_collectors:
    - name: custom_source
      class: plugins.data_collectors.custom_source.CustomDataCollector
      enabled: true
      config:
        api_key: "xxx"
        base_url: "https://api.custom-source.com"
    - name: from_pip
      plugin: pip_source
    - name: simulated
      plugin: simulated
"""

SNIPPET = """
import asyncio, json
from naetra_tui import PluginManager

async def main():
    # In your application initialization
    plugin_manager = PluginManager("config.yaml")
    await plugin_manager.initialize()

    out = {}
    for name in ("custom_source", "from_pip", "simulated"):
        collector = plugin_manager.get_plugin("data_collectors", name)
        data = await collector.get_market_data("AAPL", "1D")
        close = data["close"] if isinstance(data, dict) else data.close.tolist()
        out[name] = {"last_close": float(close[-1]),
                     "origin": plugin_manager.record("data_collectors", name).origin}
    custom = plugin_manager.get_plugin("custom", "custom_plugin")
    out["custom"] = {"result": await custom.operation(),
                     "origin": plugin_manager.record("custom", "custom_plugin").origin,
                     "healthy": await custom.health_check()}
    await plugin_manager.cleanup()
    import plugins.custom as module
    out["custom"]["cleaned"] = module.CLEANED
    print(json.dumps(out))

asyncio.run(main())
"""


def guide_folder(root: Path, *, init_files: bool) -> Path:
    """A user's project as the guide lays it out, with a pip-installed plugin beside it."""
    project = root / "project"
    write(project / "plugins" / "data_collectors" / "custom_source.py", GUIDE_PLUGIN)
    write(project / "plugins" / "custom.py", GUIDE_CUSTOM_PLUGIN)
    if init_files:
        write(project / "plugins" / "__init__.py", "")
        write(project / "plugins" / "data_collectors" / "__init__.py", "")
    custom = textwrap.dedent(
        """
        plugins:
          custom:
            - name: custom_plugin
              class: plugins.custom.CustomPlugin
              enabled: true
              config:
                key: "value"
        """
    )
    # The guide appends its `custom:` block with echo >> config.yaml; merged here into one mapping.
    text = GUIDE_CONFIG + custom.split("plugins:\n", 1)[1]
    write(project / "config.yaml", text)
    make_distribution(
        root / "site",
        "naetra-pip-source",
        "[naetra.data_collectors]\npip_source = naetra_pip_source:CustomDataCollector\n",
        {"naetra_pip_source.py": GUIDE_PLUGIN.replace("3.5]", "4.5]")},
    )
    return project


def run(args: list[str], cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("init_files", [True, False], ids=["packages", "namespace-folders"])
def test_guide_snippet_in_a_folder_with_its_own_plugins_package(tmp_path: Path, init_files: bool) -> None:
    project = guide_folder(tmp_path, init_files=init_files)
    write(project / "app.py", SNIPPET)
    result = run([sys.executable, "app.py"], project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["custom_source"]["last_close"] == 3.5
    assert out["custom_source"]["origin"] == str(
        project.resolve() / "plugins/data_collectors/custom_source.py"
    )
    assert out["from_pip"] == {"last_close": 4.5, "origin": "naetra-pip-source 1.2.3"}
    assert out["simulated"]["origin"] == "built-in" and out["simulated"]["last_close"] > 0
    assert out["custom"] == {
        "result": {"status": "success", "key": "value"},
        "origin": str(project.resolve() / "plugins/custom.py"),
        "healthy": True,
        "cleaned": ["value"],
    }


def test_the_command_loads_the_users_folder_from_elsewhere(tmp_path: Path) -> None:
    """`naetra-tui --config` from another directory: the folder beside the config is found,
    and the custom category gets a row like any other."""
    project = guide_folder(tmp_path, init_files=True)
    exe = Path(sys.executable).with_name("naetra-tui")
    result = run(
        [str(exe), "--check-config", "--config", str(project / "config.yaml")], tmp_path, tmp_path / "site"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {
        tuple(c.strip() for c in line.split("│")[1:5]) for line in result.stdout.splitlines() if "│" in line
    }
    assert any(r[0] == "custom" and r[1] == "custom_plugin" and r[3] == "ready" for r in rows), result.stdout
    assert any(r[1] == "custom_source" and r[3] == "ready" for r in rows), result.stdout
    assert any(r[1] == "simulated" and r[2] == "built-in" and r[3] == "ready" for r in rows), result.stdout
    assert "Traceback" not in result.stderr


def test_old_builtin_class_paths_get_a_hint(tmp_path: Path) -> None:
    """Configs from before the namespaced install named built-ins as plugins.<category>.<module>."""
    config = write(
        tmp_path / "config.yaml",
        "plugins:\n  data_collectors:\n"
        "    - name: simulated\n      class: plugins.data_collectors.simulated.SimulatedCollector\n",
    )
    exe = Path(sys.executable).with_name("naetra-tui")
    result = run([str(exe), "--check-config", "--config", str(config)], tmp_path, tmp_path)
    assert result.returncode == 1
    assert (
        "the built-in plugins are 'naetra_tui.builtin.data_collectors.simulated'"
        in result.stdout + result.stderr
    )
