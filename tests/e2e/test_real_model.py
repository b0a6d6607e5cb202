"""The chat through the `openai` plugin against a real model server (llama-cpp-python serving
Gemma 3 270M): the installed `naetra-tui ask`, `ask --json` with the figure check, a context
window too small for the prompt, and the app's chat panel streaming a real answer."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Collapsible

from naetra_tui.services.chat.figures import find_figures
from tests.conftest import write
from tests.e2e.llama_server import LlamaServer, llama_server
from tests.ui.conftest import make_app, wait_for
from tests.ui.test_chat_and_plugins import ask, open_chat

pytestmark = pytest.mark.e2e
EXE = Path(sys.executable).with_name("naetra-tui")


@pytest.fixture(scope="module")
def server() -> Iterator[LlamaServer]:
    with llama_server(n_ctx=2048) as running:
        yield running


def config(tmp_path: Path, url: str) -> Path:
    return write(
        tmp_path / "config.yaml",
        "app:\n  storage: sqlite\n  llm: openai\n  watchlist: [AAPL, MSFT]\n  refresh_interval: 3600\n"
        "plugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated, config: {seed: 7}}\n"
        "  analyzers:\n    - {name: technical, plugin: technical}\n"
        f"  llm:\n    - {{name: openai, plugin: openai, config: {{base_url: '{url}', max_tokens: 48,"
        " temperature: 0, timeout: 60}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'state.db'}'}}}}\n",
    )


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), "--config", str(config_path(tmp_path)), *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )


def config_path(tmp_path: Path) -> Path:
    return tmp_path / "config.yaml"


def test_ask_streams_an_answer_from_the_real_server(server: LlamaServer, tmp_path: Path) -> None:
    config(tmp_path, server.url)
    done = run(tmp_path, "ask", "--symbol", "AAPL", "How is AAPL doing today?")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), "no answer"
    assert "Traceback" not in done.stderr and "\x1b" not in done.stdout


def test_ask_json_names_provider_model_and_classifies_every_figure(
    server: LlamaServer, tmp_path: Path
) -> None:
    config(tmp_path, server.url)
    done = run(tmp_path, "ask", "--json", "--symbol", "AAPL", "What is the price and change of AAPL?")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["provider"] == "openai" and answer["model"] == server.model
    assert answer["grounded_on"][0].startswith("quote AAPL")
    assert answer["answer"].strip()
    # whatever the model said, each of its figures is either found in the data or flagged
    said = {figure.text for figure in find_figures(answer["answer"])}
    assert said == set(answer["verified_figures"]) | set(answer["unverified_figures"])
    assert not set(answer["verified_figures"]) & set(answer["unverified_figures"])


def test_a_context_window_too_small_for_the_prompt_says_how_to_raise_it(tmp_path: Path) -> None:
    with llama_server(n_ctx=256) as small:  # the system prompt and AAPL's data do not fit
        config(tmp_path, small.url)
        done = run(tmp_path, "ask", "--symbol", "AAPL", "How is AAPL doing?")
    assert done.returncode == 1
    assert "maximum context length is 256 tokens" in done.stderr
    assert "raise context_window" in done.stderr and "--n_ctx" in done.stderr
    assert "Traceback" not in done.stderr


async def test_the_chat_panel_streams_a_real_answer(server: LlamaServer, tmp_path: Path) -> None:
    app = make_app(config(tmp_path, server.url))
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await open_chat(pilot, app)
        await ask(pilot, panel, "Summarise AAPL today.")
        await wait_for(pilot, lambda: panel.busy, timeout=30)
        await wait_for(pilot, lambda: not panel.busy, timeout=120)
        assert panel.last_answer.strip(), "the panel shows no answer"
        titles = [str(c.title) for c in panel.query(Collapsible)]
        short = server.model.rsplit("/", 1)[-1]  # a file path: its name is shown
        assert any("grounded on: quote AAPL" in t and f"openai {short}" in t for t in titles), titles
        assert not panel.query(".error")
