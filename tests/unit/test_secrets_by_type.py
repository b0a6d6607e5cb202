"""Secrets are recognised by type, not by key name (#31): a SecretStr field, the password part
of any URL or DSN; stdin values are literal; an edit never reaches another plugin through a YAML
alias; a keyring that never answers does not hang a command."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from naetra_tui.cli import main
from naetra_tui.config import load_config, secret_store
from naetra_tui.config.secret_store import lookup
from tests.conftest import write

CONFIG = """\
app:
  storage: memory
plugins:
  data_collectors:
    - {name: simulated, plugin: simulated}
    - {name: yahoo_finance, plugin: yahoo_finance, enabled: false, config: &common {timeout: 7}}
    - {name: yahoo_two, plugin: yahoo_finance, enabled: false, config: *common}
  storage:
    - {name: memory, plugin: memory}
    - {name: redis, plugin: redis, enabled: false}
    - {name: postgres, plugin: postgres, enabled: false}
  llm:
    - {name: openai, plugin: openai, enabled: false}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write(tmp_path / "config.yaml", CONFIG)
    path.chmod(0o600)
    return path


def plugin(config: Path, *args: str) -> int:
    return main(["--config", str(config), "plugin", *args])


def written(config: Path) -> str:
    return config.read_text() + (config.parent / "config.yaml.prev").read_text()


def test_the_password_in_a_url_goes_to_the_store_whatever_the_key(config: Path, capsys) -> None:
    assert plugin(config, "set", "llm/openai", "base_url=http://me:s3cr%40t@10.0.0.5:8080/v1") == 0
    assert "s3cr%40t" not in written(config) and "s3cr%40t" not in capsys.readouterr().out
    reference = "NAETRA_SECRET_LLM_OPENAI_BASE_URL_PASSWORD"
    assert f"http://me:${{{reference}}}@10.0.0.5:8080/v1" in config.read_text()  # the rest stays readable
    assert lookup(reference) == "s3cr%40t"
    url = load_config(config).config.plugins.of("llm")[0].config["base_url"]
    assert url == "http://me:s3cr%40t@10.0.0.5:8080/v1"  # resolved as at start-up


def test_a_secretstr_url_is_kept_whole(config: Path) -> None:
    assert plugin(config, "set", "storage/redis", "url=redis://:hunter2@10.0.0.5:6380/2") == 0
    assert "hunter2" not in written(config)
    assert lookup("NAETRA_SECRET_STORAGE_REDIS_URL") == "redis://:hunter2@10.0.0.5:6380/2"


def test_a_secretstr_field_is_a_secret_even_when_its_name_is_not(config: Path) -> None:
    assert plugin(config, "set", "storage/postgres", "dsn=postgresql://app:pw-123@db.local:5432/naetra") == 0
    assert "pw-123" not in written(config) and "db.local" not in config.read_text()  # the whole DSN is kept
    assert lookup("NAETRA_SECRET_STORAGE_POSTGRES_DSN") == "postgresql://app:pw-123@db.local:5432/naetra"


def test_files_derived_from_a_private_config_stay_private(config: Path) -> None:
    assert plugin(config, "set", "storage/redis", "url=redis://127.0.0.1:6379/0") == 0
    assert (config.parent / "config.yaml.prev").stat().st_mode & 0o077 == 0
    assert config.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("typed", ["p@ss #123", "null", "true", "[1, 2]", "  spaced  "])
def test_a_value_read_from_stdin_is_taken_literally(
    config: Path, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(typed + "\n"))
    assert plugin(config, "set", "llm/openai", "api_key=-") == 0
    assert lookup("NAETRA_SECRET_LLM_OPENAI_API_KEY") == typed


def test_an_edit_never_changes_another_plugin_through_a_yaml_alias(config: Path) -> None:
    assert plugin(config, "set", "data_collectors/yahoo_finance", "timeout=30") == 0
    entries = {e.name: e for e in load_config(config).config.plugins.of("data_collectors")}
    assert entries["yahoo_finance"].config == {"timeout": 30}
    assert entries["yahoo_two"].config == {"timeout": 7}


def test_a_keyring_that_never_answers_falls_back_to_the_file(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class Hung(KeyringBackend):
        priority = 10  # type: ignore[assignment]

        def set_password(self, service: str, username: str, password: str) -> None:
            time.sleep(30)

        def get_password(self, service: str, username: str) -> str | None:
            time.sleep(30)
            return None

        def delete_password(self, service: str, username: str) -> None:
            time.sleep(30)

    monkeypatch.setattr(secret_store, "KEYRING_TIMEOUT", 0.5)
    monkeypatch.setattr(secret_store, "_keyring_hung", False)
    previous = keyring.get_keyring()
    keyring.set_keyring(Hung())
    try:
        started = time.monotonic()
        assert plugin(config, "set", "llm/openai", "api_key=sk-local") == 0
        assert time.monotonic() - started < 5
        assert "readable by you only" in capsys.readouterr().out
        assert "sk-local" not in written(config)
        assert lookup("NAETRA_SECRET_LLM_OPENAI_API_KEY") == "sk-local"  # from the file, not hanging
    finally:
        keyring.set_keyring(previous)
