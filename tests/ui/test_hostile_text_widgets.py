"""Remote text through the chat's widgets: a model's answer, a tool-call name and the server's
model names are painted as plain characters — no escape sequence reaches the screen, no markup
is parsed (a [@click=app.quit] stays text and does nothing), a stray [/] breaks nothing — and a
stored conversation is cleaned again when it is reopened."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from naetra_tui.ui.widgets.chat_panel import ChatPanel
from tests.fakes.ollama_server import FakeOllama, Turn, fake_ollama
from tests.integration.test_hostile_text_headless import FORBIDDEN, HOSTILE
from tests.ui.conftest import app_config, make_app, painted_lines, wait_for
from tests.ui.test_chat_and_plugins import ask, messages_text, open_chat


def assert_inert(text: str) -> None:
    found = [repr(ch) for ch in FORBIDDEN if ch in text]
    assert found == [], f"reached the screen: {found}"


async def test_hostile_answer_tool_name_and_model_names_stay_text(tmp_path: Path) -> None:
    evil_model = "evil[@click=app.quit]x[/]" + HOSTILE
    fake = FakeOllama(
        models={"llama3.2:3b": ["completion", "tools"], evil_model: ["completion"]},
        script=[
            Turn(
                tool_calls=[
                    {"name": "get_quote[/][@click=app.quit]" + HOSTILE, "arguments": {"symbols": ["MSFT"]}}
                ]
            ),
            Turn(content="MSFT closed up. " + HOSTILE + " Done."),
        ],
    )
    with fake_ollama(fake) as (url, _):
        app = make_app(app_config(tmp_path, ollama_url=url))
        async with app.run_test(size=(180, 50)) as pilot:
            panel = await open_chat(pilot, app)
            await ask(pilot, panel, "and MSFT?")
            await wait_for(pilot, lambda: "Done." in panel.last_answer)
            await pilot.pause()
            shown = messages_text(panel)
            assert "tool: get_quote[/][@click=app.quit]" in shown  # literal, not markup
            assert_inert(shown)
            assert_inert(panel.last_answer)
            title = str(panel.query("Collapsible").last().title)
            assert "[@click=app.quit]" in title
            assert_inert(title)
            # the model picker lists the server's names as text, and opens
            select = panel.query_one("#model", Select)
            await wait_for(pilot, lambda: len(select._options) >= 2)
            prompts = [str(prompt) for prompt, _ in select._options]
            assert any("evil[@click=app.quit]x[/]" in p for p in prompts)
            for prompt in prompts:
                assert_inert(prompt)
            select.expanded = True
            await pilot.pause()
            painted = "\n".join(painted_lines(app))
            assert_inert(painted)
            assert "MSFT closed up." in painted
            # clicking where a [@click=app.quit] would sit must not quit
            await pilot.click("#chat-title")
            await pilot.pause()
            assert app.is_running


async def test_a_stored_hostile_answer_is_cleaned_when_reopened(tmp_path: Path) -> None:
    """An answer saved before the cleaning existed (raw escapes in storage) is shown clean."""
    from naetra_tui.core.models import ChatMessage

    path = app_config(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await app.session.state.append_message("AAPL", ChatMessage(role="user", content="old question"))
        await app.session.state.append_message(
            "AAPL", ChatMessage(role="assistant", content="old answer " + HOSTILE)
        )
    again = make_app(path)
    async with again.run_test(size=(180, 50)) as pilot:
        panel = await open_chat(pilot, again)
        await wait_for(pilot, lambda: "old answer" in messages_text(panel))
        await pilot.pause()
        assert_inert(messages_text(panel))
        assert_inert("\n".join(painted_lines(again)))
        assert isinstance(panel, ChatPanel)
