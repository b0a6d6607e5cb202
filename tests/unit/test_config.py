"""config.yaml: every bad input gives one clear error with key path and file:line."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from naetra_tui.config import discover_config_path, load_config, load_config_text
from naetra_tui.core.errors import ConfigurationError
from naetra_tui.core.paths import shipped_config_path
from tests.conftest import write

ROOT = Path(__file__).resolve().parents[2]


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None):
    return load_config(write(tmp_path / "config.yaml", text), env=env or {})


def test_shipped_config_is_valid_and_matches_the_repository_copy() -> None:
    loaded = load_config(shipped_config_path(), env={})
    assert loaded.config.app.watchlist[:3] == ["AAPL", "MSFT", "NVDA"]
    assert (ROOT / "config.yaml").read_text() == shipped_config_path().read_text()


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="config file not found: .*nope.yaml"):
        load_config(tmp_path / "nope.yaml")


def test_yaml_syntax_error_shows_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, "app:\n  refresh_interval: 5\n  theme: [unclosed\n")
    message = str(info.value)
    assert "YAML syntax error at line" in message and "column" in message
    assert "config.yaml:" in message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="top level must be a mapping.*not a list"):
        load(tmp_path, "- a\n- b\n")


def test_unknown_category_suggests_the_right_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, "plugins:\n  analyzer:\n    - name: x\n      class: a.B\n")
    message = str(info.value)
    assert "plugins.analyzer: unknown key 'analyzer'; did you mean 'analyzers'?" in message
    assert "config.yaml:2" in message


def test_unknown_app_key_did_you_mean(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigurationError, match=r"app.refresh_intervl: unknown key .*did you mean 'refresh_interval'"
    ):
        load(tmp_path, "app:\n  refresh_intervl: 5\n")


@pytest.mark.parametrize(
    "entry",
    ["    - name: x\n      enabled: true\n", "    - name: x\n      class: a.B\n      plugin: simulated\n"],
    ids=["neither", "both"],
)
def test_entry_needs_exactly_one_of_class_and_plugin(tmp_path: Path, entry: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, "plugins:\n  data_collectors:\n" + entry)
    assert "plugins.data_collectors[0]: give exactly one of 'class'" in str(info.value)
    assert "config.yaml:3" in str(info.value)


def test_unset_env_var_without_default_names_the_variable(tmp_path: Path) -> None:
    text = "plugins:\n  data_collectors:\n    - name: av\n      class: a.B\n      config:\n        api_key: ${AV_KEY}\n"
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, text)
    assert "${AV_KEY} is not set" in str(info.value)
    assert "plugins.data_collectors[0].config.api_key" in str(info.value)
    assert "config.yaml:6" in str(info.value)


def test_env_interpolation_with_value_and_default(tmp_path: Path) -> None:
    text = "app:\n  theme: ${THEME:-amber}\n  llm_model: ${MODEL}\n"
    loaded = load(tmp_path, text, env={"MODEL": "qwen3:4b"})
    assert loaded.config.app.theme == "amber"
    assert loaded.config.app.llm_model == "qwen3:4b"


def test_watchlist_with_yaml_booleans_says_to_quote(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, "app:\n  watchlist: [AAPL, ON, NO]\n")
    message = str(info.value)
    assert "app.watchlist[1]" in message and "boolean" in message and 'quote it, e.g. "ON"' in message
    assert "1 more" in message  # NO is reported too


def test_quoted_on_is_fine(tmp_path: Path) -> None:
    loaded = load(tmp_path, 'app:\n  watchlist: [AAPL, "ON", "NO"]\n')
    assert loaded.config.app.watchlist == ["AAPL", "ON", "NO"]


def test_duplicate_plugin_names_in_one_category(tmp_path: Path) -> None:
    text = "plugins:\n  llm:\n    - {name: o, class: a.B}\n    - {name: o, class: a.C}\n"
    with pytest.raises(ConfigurationError, match="duplicate plugin name 'o' in llm"):
        load(tmp_path, text)


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"app.theme: duplicate key 'theme' \(.*config.yaml:3\)"):
        load(tmp_path, "app:\n  theme: a\n  theme: b\n")


def test_billion_laughs_is_rejected_quickly_with_bounded_memory(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(
            f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]"
        )
    text = "\n".join(lines) + "\n"
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ConfigurationError, match="alias bomb"):
        load_config_text(text, tmp_path / "bomb.yaml", env={})
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 50 * 1024 * 1024


def test_values_never_appear_in_type_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, "app:\n  refresh_interval: sk-secret-value-123\n")
    assert "sk-secret-value-123" not in str(info.value)
    assert "app.refresh_interval" in str(info.value)


def test_discovery_order(tmp_path: Path, isolated_dirs: Path) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    assert discover_config_path(None, env={}, cwd=cwd) == (shipped_config_path(), "shipped default")
    user = write(isolated_dirs / "config" / "naetra-tui" / "config.yaml", "{}\n")
    assert discover_config_path(None, env={}, cwd=cwd) == (user, "user config dir")
    local = write(cwd / "config.yaml", "{}\n")
    assert discover_config_path(None, env={}, cwd=cwd) == (local, "./config.yaml")
    env_file = write(tmp_path / "env.yaml", "{}\n")
    assert discover_config_path(None, env={"NAETRA_CONFIG": str(env_file)}, cwd=cwd)[0] == env_file
    cli_file = write(tmp_path / "cli.yaml", "{}\n")
    assert discover_config_path(str(cli_file), env={"NAETRA_CONFIG": str(env_file)}, cwd=cwd)[0] == cli_file
    with pytest.raises(ConfigurationError, match="given with --config"):
        discover_config_path(str(tmp_path / "missing.yaml"), env={}, cwd=cwd)


def test_run_from_the_clone_edits_go_to_the_users_own_config(
    tmp_path: Path, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's first command runs from the clone, whose config.yaml is the default: an edit
    creates ~/.config/naetra-tui/config.yaml (as the README says) and leaves the clone clean (#32)."""
    from naetra_tui.cli import main

    clone = tmp_path / "clone"
    clone.mkdir()
    local = clone / "config.yaml"
    local.write_bytes(shipped_config_path().read_bytes())
    monkeypatch.chdir(clone)
    assert discover_config_path(None, env={}, cwd=clone) == (local, "./config.yaml")
    assert main(["plugin", "disable", "data_collectors/simulated"]) == 0
    user = isolated_dirs / "config" / "naetra-tui" / "config.yaml"
    assert local.read_bytes() == shipped_config_path().read_bytes()  # the clone is untouched
    assert sorted(p.name for p in clone.iterdir()) == ["config.yaml"]  # and no config.yaml.prev
    assert user.read_text() != local.read_text() and "config.yaml" in capsys.readouterr().out
    path, found_by = discover_config_path(None, env={}, cwd=clone)
    assert path == user and found_by == "user config dir (./config.yaml is the unchanged default)"
    assert main(["plugin", "enable", "data_collectors/simulated"]) == 0  # the user's one again
    assert local.read_bytes() == shipped_config_path().read_bytes()
    capsys.readouterr()
    # a config.yaml of the user's own making is theirs: used and edited where it is
    local.write_text(local.read_text() + "\n# mine\n")
    assert discover_config_path(None, env={}, cwd=clone) == (local, "./config.yaml")
    assert main(["plugin", "disable", "data_collectors/simulated"]) == 0
    assert "# mine" in local.read_text() and (clone / "config.yaml.prev").exists()


def test_a_secret_set_from_the_cli_lands_in_its_plugins_block_not_under_the_next_heading(
    tmp_path: Path, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ${NAETRA_SECRET_…} line went after the blank line and the storage section's comment (#32)."""
    from naetra_tui.cli import main

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    path = tmp_path / "config.yaml"
    path.write_bytes(shipped_config_path().read_bytes())
    assert main(["--config", str(path), "plugin", "set", "llm/openai", "api_key=sk-123"]) == 0
    assert "saved to " + str(path) in capsys.readouterr().out  # named with --config: edited where it is
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if "${NAETRA_SECRET_LLM_OPENAI_API_KEY}" in line)
    assert lines[at - 1].strip() == "temperature: 0.3"  # right after the block's last key
    assert lines[at + 1].strip().startswith("# context_window")  # its commented options follow
    after = lines[at + 1 :]
    assert after.index("  storage:") > after.index(
        "  # Where your watchlists, chats and settings are saved; app.storage above picks one."
    )
    assert "sk-123" not in path.read_text()
