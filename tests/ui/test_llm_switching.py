"""Switching the chat between configured LLM providers while the app runs (Plugins screen `u`,
command palette), and the figure check shown under an answer (#21)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Collapsible, DataTable, Static

from naetra_tui.ui.screens.plugins import PluginsScreen
from tests.fakes.ollama_server import FakeOllama, Turn, fake_ollama
from tests.fakes.openai_server import FakeOpenAI, Reply, fake_openai
from tests.ui.conftest import app_config, make_app, wait_for
from tests.ui.test_chat_and_plugins import ask, open_chat


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def both(tmp_path: Path, ollama_url: str, openai_url: str) -> Path:
    openai = f"    - {{name: openai, plugin: openai, config: {{base_url: '{openai_url}', timeout: 5}}}}\n"
    path = app_config(tmp_path, ollama_url=ollama_url)
    text = path.read_text().replace(
        "  storage:\n    - {name: sqlite", openai + "  storage:\n    - {name: sqlite", 1
    )
    path.write_text(text)
    return path


async def test_plugins_screen_u_switches_the_chat_and_the_answer_says_who_wrote_it(tmp_path: Path) -> None:
    with (
        fake_ollama(FakeOllama(default=Turn(content="from ollama"))) as (ollama_url, ollama),
        fake_openai(FakeOpenAI(default=Reply(content="from the openai server"))) as (openai_url, openai),
    ):
        app = make_app(both(tmp_path, ollama_url, openai_url))
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await wait_for(pilot, lambda: app.ready and app.session.chat is not None)
            assert app.session.chat.answering == "ollama"
            await pilot.press("p")
            assert isinstance(app.screen, PluginsScreen)
            table = app.screen.query_one(DataTable)
            keys = [k.value for k in table.rows]
            table.move_cursor(row=keys.index("llm/openai"))
            await pilot.press("u")
            await wait_for(pilot, lambda: any("now answers with openai" in m for m in notes(app)))
            assert app.session.chat.answering == "openai"
            await pilot.press("escape")
            panel = await open_chat(pilot, app)
            await ask(pilot, panel, "hello?")
            await wait_for(pilot, lambda: panel.last_answer == "from the openai server", timeout=15)
            titles = [str(c.title) for c in panel.query(Collapsible)]
            assert any("openai local-model" in t for t in titles), titles
            assert openai.requests and not [r for r in ollama.requests if r.get("path") == "/api/chat"]

            # ...and back through the command palette
            await pilot.press("escape", "escape")
            await pilot.press("ctrl+p")
            await pilot.press(*"chat with: ollama")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.session.chat.answering == "ollama")


async def test_unverified_figures_are_set_apart_and_listed_under_the_answer(tmp_path: Path) -> None:
    reply = Reply(content="AAPL trades at 987654.32 today.")
    with fake_openai(FakeOpenAI(default=reply)) as (openai_url, _):
        path = app_config(tmp_path)
        text = path.read_text().replace(
            "  storage:\n    - {name: sqlite",
            f"    - {{name: openai, plugin: openai, config: {{base_url: '{openai_url}'}}}}\n"
            "  storage:\n    - {name: sqlite",
            1,
        )
        path.write_text(text.replace("storage: sqlite\n", "storage: sqlite\n  llm: openai\n", 1))
        app = make_app(path)
        async with app.run_test(size=(160, 48)) as pilot:
            panel = await open_chat(pilot, app)
            await ask(pilot, panel, "price?")
            await wait_for(pilot, lambda: bool(panel.query(".unverified")), timeout=15)
            line = str(panel.query(".unverified").first(Static).render())
            assert "not found in the data" in line and "987654.32" in line
            titles = [str(c.title) for c in panel.query(Collapsible)]
            assert any("1 of 1 figures not found in the data: 987654.32" in t for t in titles), titles
            markdown_text = panel.query_one("Markdown")._markdown
            assert "`987654.32 ?`" in markdown_text
