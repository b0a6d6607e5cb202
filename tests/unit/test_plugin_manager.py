"""PluginManager: the guide's API, isolation of broken plugins, toggles, health, cleanup."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from naetra_tui.core.errors import ConfigurationError, PluginError, PluginNotLoaded
from naetra_tui.core.models import PluginState
from naetra_tui.plugin_host.manager import PluginManager
from naetra_tui.plugin_host.toggles import JsonToggleStore
from tests.conftest import write
from tests.fixtures import fake_plugins

FAKE = "tests.fixtures.fake_plugins"


def config_with(tmp_path: Path, collectors: str, extra: str = "") -> Path:
    text = "app:\n  plugin_timeout: 0.5\nplugins:\n  data_collectors:\n" + textwrap.indent(
        textwrap.dedent(collectors), "    "
    )
    return write(tmp_path / "config.yaml", text + extra)


async def started(path: Path, **kwargs) -> PluginManager:
    manager = PluginManager(str(path), **kwargs)
    await manager.initialize()
    return manager


async def test_guide_api_loads_and_gets_a_plugin(tmp_path: Path) -> None:
    path = config_with(tmp_path, f"- name: good\n  class: {FAKE}.GoodCollector\n  config: {{tag: g}}\n")
    manager = await started(path)
    collector = manager.get_plugin("data_collectors", "good")
    assert isinstance(collector, fake_plugins.GoodCollector)
    assert manager.plugins["data_collectors"]["good"] is collector
    assert manager.record("data_collectors", "good").state is PluginState.READY
    await manager.cleanup()
    assert "cleanup:g" in fake_plugins.EVENTS


async def test_one_failing_plugin_does_not_stop_the_others(tmp_path: Path) -> None:
    path = config_with(
        tmp_path,
        f"""\
        - name: boom
          class: {FAKE}.RaisingCollector
        - name: hang
          class: {FAKE}.HangingCollector
        - name: stubborn
          class: {FAKE}.StubbornHangingCollector
        - name: good
          class: {FAKE}.GoodCollector
        """,
    )
    t0 = time.perf_counter()
    manager = await started(path)
    assert time.perf_counter() - t0 < 3  # concurrent, each bounded by its timeout
    boom = manager.record("data_collectors", "boom")
    assert boom.state is PluginState.FAILED
    assert boom.error == "initialize() raised RuntimeError: cannot reach the moon"
    hang = manager.record("data_collectors", "hang")
    assert hang.state is PluginState.FAILED and "did not finish within 0.5 s" in (hang.error or "")
    assert manager.record("data_collectors", "stubborn").state is PluginState.FAILED
    assert manager.record("data_collectors", "good").state is PluginState.READY
    with pytest.raises(PluginNotLoaded, match="failed: initialize\\(\\) raised RuntimeError"):
        manager.get_plugin("data_collectors", "boom")
    with pytest.raises(KeyError):  # the guide's dict-style contract still holds
        manager.get_plugin("data_collectors", "nope")
    await manager.cleanup()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "plugin: no_such_plugin",
            "no installed plugin named 'no_such_plugin' in naetra.data_collectors (installed: ",
        ),
        (
            "class: not_a_module_xyz.Thing",
            "cannot import 'not_a_module_xyz': no module named 'not_a_module_xyz'",
        ),
        (f"class: {FAKE}.Missing", f"module '{FAKE}' has no attribute 'Missing'"),
        (f"class: {FAKE}.NotAPlugin", f"'{FAKE}.NotAPlugin' does not implement IDataCollector"),
        (f"class: {FAKE}.HalfCollector", "does not implement: get_fundamentals"),
        (f"class: {FAKE}.EchoAnalyzer", "does not implement IDataCollector (required for data_collectors)"),
        ("class: os.system", "'os.system' is a builtin_function_or_method, not a plugin class"),
        ("class: subprocess.Popen", "'subprocess.Popen' does not implement IDataCollector"),
        ("class: NoDots", "'NoDots' is not a dotted path"),
    ],
)
async def test_unloadable_plugins_fail_with_a_clear_reason(tmp_path: Path, entry: str, expected: str) -> None:
    path = config_with(tmp_path, f"- name: bad\n  {entry}\n- name: good\n  class: {FAKE}.GoodCollector\n")
    manager = await started(path)
    record = manager.record("data_collectors", "bad")
    assert record.state is PluginState.FAILED
    assert expected in (record.error or "")
    assert manager.record("data_collectors", "good").state is PluginState.READY
    assert "NotAPlugin.initialize called" not in fake_plugins.EVENTS
    await manager.cleanup()


async def test_os_system_is_never_called(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    path = config_with(tmp_path, "- name: evil\n  class: os.system\n  config: {cmd: 'touch /tmp/pwned'}\n")
    manager = await started(path)
    assert calls == []
    assert manager.record("data_collectors", "evil").state is PluginState.FAILED


async def test_plugin_config_is_validated_against_its_model(tmp_path: Path) -> None:
    path = config_with(
        tmp_path,
        f"""\
        - name: typed
          class: {FAKE}.KeyedCollector
          config:
            api_key: abcd1234
            timeout: soon
        - name: typo
          class: {FAKE}.KeyedCollector
          config:
            api_key: abcd1234
            timeuot: 3
        """,
    )
    manager = await started(path)
    typed = manager.record("data_collectors", "typed")
    assert typed.state is PluginState.FAILED and typed.error_is_config
    assert "plugins.data_collectors[0].config.timeout" in (typed.error or "")
    assert "config.yaml:9" in (typed.error or "")
    typo = manager.record("data_collectors", "typo")
    assert "plugins.data_collectors[1].config.timeuot: unknown key 'timeuot'; did you mean 'timeout'?" in (
        typo.error or ""
    )


async def test_api_key_never_in_errors_logs_or_repr(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    key = "bad-KEY-9f8e7d6c5b4a"
    path = config_with(
        tmp_path, f"- name: keyed\n  class: {FAKE}.KeyedCollector\n  config:\n    api_key: {key}\n"
    )
    from naetra_tui.core.secrets import RedactingFilter

    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.DEBUG):
        manager = await started(path)
    record = manager.record("data_collectors", "keyed")
    assert record.state is PluginState.FAILED
    assert "server refused key ***" in (record.error or "")
    assert key not in caplog.text
    assert key not in repr(record).replace(repr(record.entry), "")  # the raw entry is config, not output
    assert key not in str(record.display_config())
    ok_path = config_with(
        tmp_path, f"- name: keyed\n  class: {FAKE}.KeyedCollector\n  config:\n    api_key: good-{key}\n"
    )
    ok = await started(ok_path)
    instance = ok.get_plugin("data_collectors", "keyed")
    assert key not in repr(instance.settings) and key not in str(instance.settings)


async def test_enable_disable_and_toggles_survive_a_restart(tmp_path: Path) -> None:
    path = config_with(tmp_path, f"- name: good\n  class: {FAKE}.GoodCollector\n  config: {{tag: t}}\n")
    store = JsonToggleStore(tmp_path / "toggles.json")
    events: list[tuple[str, str]] = []
    manager = PluginManager(str(path), toggles=store)
    manager.subscribe(lambda r: events.append((r.name, r.state.value)))
    await manager.initialize()
    await manager.disable("data_collectors", "good")
    assert manager.record("data_collectors", "good").state is PluginState.DISABLED
    assert "cleanup:t" in fake_plugins.EVENTS
    assert events == [("good", "starting"), ("good", "ready"), ("good", "disabled")]
    await manager.cleanup()

    again = await started(path, toggles=JsonToggleStore(tmp_path / "toggles.json"))
    assert again.record("data_collectors", "good").state is PluginState.DISABLED
    await again.enable("data_collectors", "good")
    assert again.record("data_collectors", "good").state is PluginState.READY
    await again.cleanup()
    third = await started(path, toggles=JsonToggleStore(tmp_path / "toggles.json"))
    assert third.record("data_collectors", "good").state is PluginState.READY
    await third.cleanup()


async def test_a_start_cancelled_midway_stops_the_plugin_and_closes_what_it_opened(tmp_path: Path) -> None:
    """The app quitting while a plugin starts cancels the start: the plugin's initialize()
    must not run on alone (it finished with its connections open and nobody to close them)."""
    fake_plugins.EVENTS.clear()
    manager = PluginManager(
        str(
            config_with(
                tmp_path, f"- name: slow\n  class: {FAKE}.SlowOpeningCollector\n  config: {{tag: s}}\n"
            )
        )
    )
    start = asyncio.ensure_future(manager.start("data_collectors", "slow"))
    while "opened" not in fake_plugins.EVENTS:  # noqa: ASYNC110  (the fake plugin has no event)
        await asyncio.sleep(0.001)
    start.cancel()
    with pytest.raises(asyncio.CancelledError):
        await start
    assert fake_plugins.EVENTS == ["opened", "initialize cancelled", "cleanup:s"]
    record = manager.record("data_collectors", "slow")
    assert record.state == PluginState.DISABLED and not record.loaded
    assert "slow" not in manager.plugins["data_collectors"]
    await manager.initialize()  # not stuck: it starts again later (and times out, being slow)
    assert fake_plugins.EVENTS.count("opened") == 2
    assert record.state == PluginState.FAILED and "did not finish" in (record.error or "")


async def test_enabling_a_failing_plugin_leaves_it_off(tmp_path: Path) -> None:
    path = config_with(tmp_path, f"- name: boom\n  class: {FAKE}.RaisingCollector\n  enabled: false\n")
    store = JsonToggleStore(tmp_path / "toggles.json")
    manager = await started(path, toggles=store)
    assert manager.record("data_collectors", "boom").state is PluginState.DISABLED
    record = await manager.enable("data_collectors", "boom")
    assert record.state is PluginState.FAILED and "cannot reach the moon" in (record.error or "")
    assert (await store.load()) == {"data_collectors/boom": False}


async def test_health_checks_mark_degraded_and_recover(tmp_path: Path) -> None:
    path = config_with(tmp_path, f"- name: sick\n  class: {FAKE}.SickCollector\n")
    manager = await started(path)
    record = manager.record("data_collectors", "sick")
    fake_plugins.SickCollector.healthy = False
    try:
        await manager.check_health(record)
        assert record.state is PluginState.DEGRADED and record.error == "upstream 503"
        assert manager.get_plugin("data_collectors", "sick") is record.instance  # still usable
        fake_plugins.SickCollector.healthy = True
        manager.start_health_checks(interval=0.05)
        await asyncio.sleep(0.2)
        assert record.state is PluginState.READY and record.error is None
    finally:
        fake_plugins.SickCollector.healthy = True
        await manager.cleanup()


async def test_load_plugin_guide_api_with_plain_dict(tmp_path: Path) -> None:
    manager = await started(config_with(tmp_path, "[]\n".replace("[]\n", "")))
    instance = await manager.load_plugin({"name": "later", "class": f"{FAKE}.GoodCollector", "config": {}})
    assert manager.get_plugin("data_collectors", "later") is instance
    analyzer = await manager.load_plugin({"name": "echo", "class": f"{FAKE}.EchoAnalyzer"})
    assert manager.get_plugin("analyzers", "echo") is analyzer
    with pytest.raises(PluginError, match="cannot reach the moon"):
        await manager.load_plugin({"name": "boom", "class": f"{FAKE}.RaisingCollector"}, "data_collectors")
    with pytest.raises(ConfigurationError, match="give exactly one of"):
        await manager.load_plugin({"name": "none"})


GUIDE_PLUGIN = """
# plugins/data_collectors/custom_source.py -- as the module development guide shows it
from typing import Any, Dict

from core.interfaces import IDataCollector


class YourCustomClient:
    def __init__(self, config):
        self.config = config

    async def get_data(self, symbol, timeframe):
        return {"timestamp": [1700000000, 1700086400, 1700172800],
                "open": [1, 2, 3], "high": [2, 3, 4], "low": [0.5, 1.5, 2.5],
                "close": [1.5, 2.5, 3.5], "volume": [10, 20, 30]}

    async def get_fundamentals(self, symbol):
        return {"trailingPE": 21.5, "marketCap": 1000000}


class CustomDataCollector(IDataCollector):
    async def initialize(self, config: Dict[str, Any]) -> None:
        # Initialize your collector
        self.client = YourCustomClient(config)

    async def get_market_data(self, symbol: str, timeframe: str) -> Dict[str, Any]:
        # Implement data collection
        return await self.client.get_data(symbol, timeframe)

    async def get_fundamentals(self, symbol: str) -> Dict[str, Any]:
        # Implement fundamentals collection
        return await self.client.get_fundamentals(symbol)
"""


async def test_guide_style_plugin_from_user_plugins_folder(tmp_path: Path) -> None:
    user = tmp_path / "userconf"
    write(user / "plugins" / "__init__.py", "")
    write(user / "plugins" / "data_collectors" / "__init__.py", "")
    write(user / "plugins" / "data_collectors" / "custom_source.py", GUIDE_PLUGIN)
    path = write(
        user / "config.yaml",
        "plugins:\n  data_collectors:\n"
        "    - name: custom_source\n"
        "      class: plugins.data_collectors.custom_source.CustomDataCollector\n"
        "      enabled: true\n"
        '      config:\n        api_key: "xxx"\n        base_url: "https://api.custom-source.com"\n'
        "    - name: simulated\n      plugin: simulated\n",
    )
    manager = await started(path)
    collector = manager.get_plugin("data_collectors", "custom_source")
    data = await collector.get_market_data("AAPL", "1D")
    assert data["close"] == [1.5, 2.5, 3.5]
    origin = manager.record("data_collectors", "custom_source").origin
    assert origin == str((user / "plugins" / "data_collectors" / "custom_source.py").resolve())
    # the built-in next to it is not shadowed by the user's plugins package
    assert manager.record("data_collectors", "simulated").state is PluginState.READY
    assert manager.record("data_collectors", "simulated").origin == "built-in"
    from naetra_tui.core.normalize import to_fundamentals, to_history

    history = to_history(data, symbol="AAPL", timeframe="1D", source="custom_source")
    assert history.close.tolist() == [1.5, 2.5, 3.5]
    assert (
        to_fundamentals(await collector.get_fundamentals("AAPL"), symbol="AAPL", source="c").pe_trailing
        == 21.5
    )
    await manager.cleanup()


def make_distribution(site: Path, name: str, entry_points: str, modules: dict[str, str]) -> None:
    """An installed distribution as pip lays it out: modules plus a .dist-info with entry points."""
    dist = site / f"{name.replace('-', '_')}-1.2.3.dist-info"
    write(dist / "METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n")
    write(dist / "entry_points.txt", entry_points)
    for module, source in modules.items():
        write(site / module, source)


async def test_plugin_by_entry_point_and_a_broken_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    make_distribution(
        site,
        "naetra-custom-source",
        "[naetra.data_collectors]\ncustom_source = naetra_custom_source:CustomDataCollector\n"
        "broken = naetra_broken_mod:Thing\n",
        {
            "naetra_custom_source.py": GUIDE_PLUGIN,
            "naetra_broken_mod.py": "raise RuntimeError('this package is broken')\n",
        },
    )
    monkeypatch.syspath_prepend(str(site))
    from naetra_tui.plugin_host.discovery import list_installed

    listed = {(p.category, p.name): p for p in list_installed()}
    assert listed[("data_collectors", "custom_source")].origin == "naetra-custom-source 1.2.3"
    assert listed[("data_collectors", "simulated")].origin == "built-in"
    assert "naetra_broken_mod" not in sys.modules  # listing imports nothing
    path = config_with(
        tmp_path,
        "- name: custom\n  plugin: custom_source\n- name: broken\n  plugin: broken\n- name: sim\n  plugin: simulated\n",
    )
    manager = await started(path)
    assert manager.record("data_collectors", "custom").state is PluginState.READY
    assert manager.record("data_collectors", "custom").origin == "naetra-custom-source 1.2.3"
    broken = manager.record("data_collectors", "broken")
    assert broken.state is PluginState.FAILED
    assert "importing 'naetra_broken_mod:Thing' raised RuntimeError: this package is broken" in (
        broken.error or ""
    )
    assert manager.record("data_collectors", "sim").state is PluginState.READY
    await manager.cleanup()


def test_cleanup_runs_on_sigterm(tmp_path: Path) -> None:
    """A process running the manager cleans every plugin up when it gets SIGTERM."""
    marker = tmp_path / "cleaned"
    script = write(
        tmp_path / "run.py",
        textwrap.dedent(
            f"""
            import asyncio, sys
            sys.path.append({str(Path(__file__).resolve().parents[2])!r})  # tests/, after site-packages
            from naetra_tui.cli import run_async
            from naetra_tui.plugin_host.manager import PluginManager
            from tests.fixtures import fake_plugins

            async def main():
                manager = PluginManager({str(config_with(tmp_path, f"- name: g{chr(10)}  class: {FAKE}.GoodCollector{chr(10)}  config: {{tag: x}}{chr(10)}"))!r})
                await manager.initialize()
                print("ready", flush=True)
                try:
                    await asyncio.sleep(60)
                finally:
                    await manager.cleanup()
                    open({str(marker)!r}, "w").write(",".join(fake_plugins.EVENTS))
                return 0

            sys.exit(run_async(main))
            """
        ),
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    proc.terminate()
    assert proc.wait(timeout=10) == 130
    assert "cleanup:x" in marker.read_text()


async def test_origin_is_known_for_plugins_never_loaded(tmp_path: Path) -> None:
    path = config_with(
        tmp_path,
        "- {name: av, plugin: alpha_vantage, enabled: false}\n"
        "- {name: nope, plugin: not_installed, enabled: false}\n"
        f"- {{name: good, class: {FAKE}.GoodCollector, enabled: false}}\n",
    )
    manager = await started(path)
    origins = {r.name: manager.origin(r) for r in manager.records_of("data_collectors")}
    assert origins == {"av": "built-in", "nope": "plugin:not_installed", "good": f"{FAKE}.GoodCollector"}
    await manager.cleanup()
