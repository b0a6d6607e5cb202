"""``naetra-tui llm-server`` (#32): the local model path works as the README says — one command
serves the extra's small model with the right chat format and context, where the chat's
``openai`` plugin looks, and ``ask`` answers through it."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from naetra_tui.cli.llm_server import server_arguments
from tests.conftest import write
from tests.integration.throwaway_servers import free_port

COMMAND = str(Path(sys.executable).parent / "naetra-tui")


def test_the_server_gets_the_chat_format_and_the_context_the_chat_needs() -> None:
    args = argparse.Namespace(host="127.0.0.1", port=8080, n_ctx=8192)
    argv = server_arguments(args, "/m/gemma.gguf", "gemma")
    pairs = dict(zip(argv[::2], argv[1::2], strict=True))
    assert pairs["--model"] == "/m/gemma.gguf" and pairs["--chat_format"] == "gemma"
    assert pairs["--n_ctx"] == "8192" and pairs["--port"] == "8080" and pairs["--host"] == "127.0.0.1"
    assert int(pairs["--n_threads_batch"]) == max(1, (os.cpu_count() or 1) - 1)


def test_a_missing_model_file_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [COMMAND, "llm-server", "--model", str(tmp_path / "nope.gguf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        done.returncode == 2
        and done.stderr.strip() == f"naetra-tui: no model file at {tmp_path / 'nope.gguf'}"
    )


@pytest.mark.e2e
def test_one_command_serves_the_small_model_and_ask_answers_through_it(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [COMMAND, "llm-server", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2) as answer:
                    models = json.load(answer)["data"]
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start in 180 s"
                time.sleep(0.3)
        assert models and "gemma" in models[0]["id"].lower()
        config = write(
            tmp_path / "config.yaml",
            "app:\n  storage: memory\n  llm: openai\nplugins:\n  data_collectors:\n"
            "    - {name: simulated, plugin: simulated}\n"
            f"  llm:\n    - {{name: openai, plugin: openai, config: {{base_url: 'http://127.0.0.1:{port}/v1', "
            "tools: false, max_tokens: 24}}\n"
            "  storage:\n    - {name: memory, plugin: memory}\n",
        )
        done = subprocess.run(
            [COMMAND, "--config", str(config), "ask", "Say hello.", "--json"],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        assert answer["provider"] == "openai" and answer["answer"].strip() and not answer["error"]
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=20)
    assert "tiny model" in out and f"http://127.0.0.1:{port}/v1" in out
