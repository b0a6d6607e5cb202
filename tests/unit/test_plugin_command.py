"""`naetra-tui plugin ...` edits the config file keeping the user's comments and layout, checks
every edit with the plugin's own config model before writing, writes atomically with the
previous version kept, never writes a secret in clear, and never writes into the install (#22)."""

from __future__ import annotations

from pathlib import Path

import pytest

from naetra_tui.cli import main
from naetra_tui.config import load_config
from naetra_tui.core.paths import shipped_config_path, user_config_dir
from tests.conftest import write

CONFIG = """\
# my markets setup — keep this comment
app:
  storage: memory   # no disk for this one
  watchlist: [AAPL, MSFT]

plugins:
  data_collectors:
    # Yahoo first, then offline data
    - name: yahoo_finance
      plugin: yahoo_finance
      enabled: false
    - {name: simulated, plugin: simulated, config: {seed: 7}}
  storage:
    - name: memory
      plugin: memory
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write(tmp_path / "config.yaml", CONFIG)


def plugin(config: Path, *args: str) -> int:
    return main(["--config", str(config), "plugin", *args])


def test_enable_keeps_comments_and_layout_and_the_previous_version(config: Path, capsys) -> None:
    assert plugin(config, "enable", "data_collectors/yahoo_finance") == 0
    text = config.read_text()
    assert "# my markets setup — keep this comment" in text
    assert "storage: memory   # no disk for this one" in text
    assert "# Yahoo first, then offline data" in text
    assert "- {name: simulated, plugin: simulated, config: {seed: 7}}" in text  # flow style kept
    assert "enabled: true" in text
    assert (config.parent / "config.yaml.prev").read_text() == CONFIG
    assert load_config(config).config.plugins.of("data_collectors")[0].enabled is True
    assert "data_collectors/yahoo_finance enabled" in capsys.readouterr().out


def test_move_changes_the_failover_order(config: Path) -> None:
    assert plugin(config, "move", "data_collectors/simulated", "up") == 0
    names = [e.name for e in load_config(config).config.plugins.of("data_collectors")]
    assert names == ["simulated", "yahoo_finance"]
    assert "# Yahoo first, then offline data" in config.read_text()


def test_set_is_validated_by_the_plugins_own_model_and_a_bad_value_writes_nothing(
    config: Path, capsys
) -> None:
    assert plugin(config, "set", "data_collectors/yahoo_finance", "timeout=-5") == 2
    assert "timeout" in capsys.readouterr().err
    assert config.read_text() == CONFIG and not (config.parent / "config.yaml.prev").exists()
    assert plugin(config, "set", "data_collectors/yahoo_finance", "timeout=12", "batch_size=20") == 0
    entry = load_config(config).config.plugins.of("data_collectors")[0]
    assert entry.config == {"timeout": 12, "batch_size": 20}


def test_a_secret_goes_to_the_store_and_the_config_gets_a_reference(
    config: Path, capsys, monkeypatch
) -> None:
    import stat

    from naetra_tui.config.secret_store import store_path

    assert plugin(config, "add", "data_collectors/alpha_vantage") == 0
    assert plugin(config, "set", "data_collectors/alpha_vantage", "api_key=SECRET123") == 0
    text = config.read_text()
    assert "SECRET123" not in text
    assert "api_key: ${NAETRA_SECRET_DATA_COLLECTORS_ALPHA_VANTAGE_API_KEY}" in text
    assert stat.S_IMODE(store_path().stat().st_mode) == 0o600
    said = capsys.readouterr().out
    assert "SECRET123" not in said and "readable by you only" in said
    # the loader resolves the reference from the store: the plugin gets the key
    entry = load_config(config).config.plugins.of("data_collectors")[-1]
    assert entry.config["api_key"] == "SECRET123"
    # from stdin, as scripts do (never in the shell history)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("SECRET456\n"))
    assert plugin(config, "set", "data_collectors/alpha_vantage", "api_key=-") == 0
    assert "SECRET456" not in config.read_text()
    assert load_config(config).config.plugins.of("data_collectors")[-1].config["api_key"] == "SECRET456"
    # a store others can read is refused, not used
    store_path().chmod(0o644)
    with pytest.raises(Exception, match="readable by other users"):
        load_config(config)
    store_path().chmod(0o600)
    # an environment reference is written as it is
    monkeypatch.setenv("AV_KEY", "from-env")
    assert plugin(config, "set", "data_collectors/alpha_vantage", "api_key=${AV_KEY}") == 0
    assert "api_key: ${AV_KEY}" in config.read_text()


def test_add_lists_what_is_installed_when_the_name_is_unknown(config: Path, capsys) -> None:
    assert plugin(config, "add", "llm/nonesuch") == 1
    err = capsys.readouterr().err
    assert "no installed llm plugin is named 'nonesuch'" in err and "ollama" in err and "openai" in err
    assert plugin(config, "add", "llm/openai") == 0
    assert [e.name for e in load_config(config).config.plugins.of("llm")] == ["openai"]
    assert plugin(config, "add", "llm/openai") == 2  # twice: refused


def test_unknown_plugin_and_bad_arguments_are_one_line(config: Path, capsys) -> None:
    assert plugin(config, "enable", "data_collectors/nope") == 2
    assert plugin(config, "enable", "nope") == 2
    assert plugin(config, "move", "data_collectors/simulated", "sideways") == 2
    assert plugin(config, "set", "data_collectors/simulated", "not a pair") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 4
    assert config.read_text() == CONFIG


def test_list_shows_the_config_and_the_installed_plugins_it_does_not_use(config: Path, capsys) -> None:
    assert plugin(config, "list") == 0
    out = capsys.readouterr().out
    assert "yahoo_finance" in out and "simulated" in out
    assert "Installed but not in the config" in out and "llm/openai" in out


def test_on_the_packaged_default_the_first_save_creates_the_users_config(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no ./config.yaml: the packaged default is used
    shipped = shipped_config_path().read_text()
    assert main(["plugin", "disable", "llm/openai"]) == 0
    assert shipped_config_path().read_text() == shipped  # the install is never written
    mine = user_config_dir() / "config.yaml"
    assert mine.exists() and "# " in mine.read_text()  # the shipped comments came along
    assert not load_config(mine).config.plugins.of("llm")[1].enabled


def test_a_usable_keyring_keeps_the_secret_instead_of_the_file(config: Path, capsys) -> None:
    """Where the OS has a keyring (a desktop's Secret Service, macOS Keychain) the secret goes
    there. This machine has none, so a backend of the test's own stands in for it."""
    import keyring
    from keyring.backend import KeyringBackend

    from naetra_tui.config.secret_store import SERVICE, store_path

    class StandIn(KeyringBackend):
        priority = 10  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.kept: dict[tuple[str, str], str] = {}

        def set_password(self, service: str, username: str, password: str) -> None:
            self.kept[(service, username)] = password

        def get_password(self, service: str, username: str) -> str | None:
            return self.kept.get((service, username))

        def delete_password(self, service: str, username: str) -> None:
            self.kept.pop((service, username), None)

    previous = keyring.get_keyring()
    backend = StandIn()
    keyring.set_keyring(backend)
    try:
        assert plugin(config, "add", "data_collectors/alpha_vantage") == 0
        assert plugin(config, "set", "data_collectors/alpha_vantage", "api_key=IN-THE-KEYRING") == 0
        assert "the system keyring" in capsys.readouterr().out
        reference = "NAETRA_SECRET_DATA_COLLECTORS_ALPHA_VANTAGE_API_KEY"
        assert backend.kept == {(SERVICE, reference): "IN-THE-KEYRING"}
        assert not store_path().exists()
        assert "IN-THE-KEYRING" not in config.read_text()
        assert (
            load_config(config).config.plugins.of("data_collectors")[-1].config["api_key"] == "IN-THE-KEYRING"
        )
    finally:
        keyring.set_keyring(previous)


def test_a_keyring_that_errors_falls_back_to_the_private_file(config: Path, capsys) -> None:
    """A keyring that is there but refuses (locked, D-Bus gone): the secret is kept in the
    0600 file instead, the output says where, and it is read back from there."""
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.errors import KeyringLocked, PasswordSetError

    from naetra_tui.config.secret_store import store_path

    class Refusing(KeyringBackend):
        priority = 10  # type: ignore[assignment]

        def set_password(self, service: str, username: str, password: str) -> None:
            raise PasswordSetError("the collection is locked")

        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("the collection is locked")

        def delete_password(self, service: str, username: str) -> None:
            raise KeyringLocked("the collection is locked")

    previous = keyring.get_keyring()
    keyring.set_keyring(Refusing())
    try:
        assert plugin(config, "add", "data_collectors/alpha_vantage") == 0
        assert plugin(config, "set", "data_collectors/alpha_vantage", "api_key=KEPT-IN-THE-FILE") == 0
        out = capsys.readouterr().out
        assert "readable by you only" in out and "KEPT-IN-THE-FILE" not in out
        assert "KEPT-IN-THE-FILE" not in config.read_text()
        assert store_path().stat().st_mode & 0o777 == 0o600
        assert (
            load_config(config).config.plugins.of("data_collectors")[-1].config["api_key"]
            == "KEPT-IN-THE-FILE"
        )
    finally:
        keyring.set_keyring(previous)


def test_set_refuses_a_value_the_next_start_would_refuse_and_writes_nothing(tmp_path: Path, capsys) -> None:
    text = CONFIG.replace("plugins:\n", "plugins:\n  llm:\n    - {name: ollama, plugin: ollama}\n", 1)
    config = write(tmp_path / "config.yaml", text)
    load_config(config)  # a valid start
    code = plugin(config, "set", "llm/ollama", "model_name=" + "x" * 2_000_000)
    err = capsys.readouterr().err
    assert code == 2 and "the config would be 2.0 MB" in err and len(err.strip().splitlines()) == 1
    assert config.read_text() == text and not (tmp_path / "config.yaml.prev").exists()
    load_config(config)  # still starts
