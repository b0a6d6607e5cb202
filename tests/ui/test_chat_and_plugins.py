"""Pilot tests of the chat panel and the Plugins screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Markdown

from naetra_tui.core.models import PluginState
from naetra_tui.ui.screens.chat import ChatScreen
from naetra_tui.ui.screens.plugins import PluginsScreen
from naetra_tui.ui.screens.symbol import SymbolScreen
from naetra_tui.ui.widgets.chat_panel import ChatPanel
from tests.fakes.ollama_server import FakeOllama, Turn, fake_ollama
from tests.fixtures import fake_plugins
from tests.ui.conftest import app_config, make_app, painted_lines, table_text, wait_for, watch_rows

FAKE = "tests.fixtures.fake_plugins"


def messages_text(panel: ChatPanel) -> str:
    parts = []
    for widget in panel.query_one("#messages").children:
        if isinstance(widget, Markdown):
            parts.append(widget.source)
        else:
            parts.append(str(getattr(widget, "renderable", "") or widget.render()))
    return "\n".join(parts)


async def open_chat(pilot: Any, app: Any) -> ChatPanel:
    await wait_for(pilot, lambda: app.ready)
    await pilot.press("enter")  # AAPL's symbol view
    assert isinstance(app.screen, SymbolScreen)
    await pilot.press("c")
    panel = app.screen.query_one(ChatPanel)
    assert panel.query_one("#chat-input").has_focus
    return panel


async def ask(pilot: Any, panel: ChatPanel, text: str) -> None:
    panel.query_one("#chat-input").value = text
    await pilot.press("enter")


async def test_chat_round_trip_streams_markdown_and_shows_grounding(tmp_path: Path) -> None:
    fake = FakeOllama(
        script=[Turn(content="**AAPL** is *simulated* here.\n\n| a | b |\n|---|---|\n| 1 | 2 |")]
    )
    with fake_ollama(fake) as (url, _):
        app = make_app(app_config(tmp_path, ollama_url=url))
        async with app.run_test(size=(180, 50)) as pilot:
            panel = await open_chat(pilot, app)
            await ask(pilot, panel, "How is AAPL?")
            await wait_for(pilot, lambda: panel.last_answer != "")
            assert not panel.query_one("#chat-status").display  # the provider is fine: no warning
            text = messages_text(panel)
            assert "› How is AAPL?" in text and "**AAPL** is *simulated* here." in text
            assert "grounded on: quote AAPL · SIMULATED" in str(panel.query("Collapsible").last().title)
            await pilot.press("up")  # input history
            assert panel.query_one("#chat-input").value == "How is AAPL?"
            # export while typing (the input has focus): its key must not be one the input takes
            from naetra_tui.core.paths import user_data_dir

            assert panel.query_one("#chat-input").has_focus
            await pilot.press("ctrl+s")
            folder = user_data_dir() / "exports"
            await wait_for(pilot, lambda: bool(list(folder.glob("chat-AAPL-*.md"))))
            exported = list(folder.glob("chat-AAPL-*.md"))
            assert len(exported) == 1
            assert exported[0].stat().st_mode & 0o077 == 0  # user-only, like the chats it holds
            markdown = exported[0].read_text(encoding="utf-8")
            assert "How is AAPL?" in markdown and "**AAPL** is *simulated* here." in markdown
            assert panel.query_one("#chat-input").value == "How is AAPL?"  # the input kept its text


async def test_tool_round_is_shown(tmp_path: Path) -> None:
    fake = FakeOllama(
        script=[
            Turn(tool_calls=[{"name": "get_quote", "arguments": {"symbols": ["MSFT"]}}]),
            Turn(content="MSFT is fine."),
        ]
    )
    with fake_ollama(fake) as (url, _):
        app = make_app(app_config(tmp_path, ollama_url=url))
        async with app.run_test(size=(180, 50)) as pilot:
            panel = await open_chat(pilot, app)
            await ask(pilot, panel, "and MSFT?")
            await wait_for(pilot, lambda: panel.last_answer == "MSFT is fine.")
            assert "· tool: get_quote(MSFT)" in messages_text(panel)


async def test_escape_stops_a_streaming_answer_and_the_panel_stays_usable(tmp_path: Path) -> None:
    fake = FakeOllama(script=[Turn(content=" ".join(["slow"] * 300))], token_delay=0.02)
    with fake_ollama(fake) as (url, _):
        app = make_app(app_config(tmp_path, ollama_url=url))
        async with app.run_test(size=(180, 50)) as pilot:
            panel = await open_chat(pilot, app)
            await ask(pilot, panel, "talk slowly")
            await wait_for(pilot, lambda: panel.busy and "slow slow" in messages_text(panel))
            await pilot.press("escape")
            assert not panel.busy and isinstance(app.screen, SymbolScreen)  # stopped, not navigated
            assert "(stopped)" in messages_text(panel)
            fake.script = [Turn(content="Back again.")]
            await ask(pilot, panel, "still there?")
            await wait_for(pilot, lambda: panel.last_answer == "Back again.")
            stored = (await app.session.chat.conversation("AAPL")).messages
            assert any(m.interrupted and m.content.startswith("slow") for m in stored)
            await pilot.press("escape")  # idle: Esc goes back
            assert app.screen is app.main_screen


async def test_key_hints_say_what_esc_does_while_an_answer_streams_and_after(tmp_path: Path) -> None:
    """Seen in tmux: the hints on screen said 'esc Back' while an answer streamed and 'esc
    Stop answer' after it ended: nothing told them the panel's state had changed."""

    def painted_hints() -> str:  # the bottom line as painted, not as it would render now
        return painted_lines(app)[-1]

    fake = FakeOllama(script=[Turn(content=" ".join(["slow"] * 200))], token_delay=0.02)
    with fake_ollama(fake) as (url, _):
        app = make_app(app_config(tmp_path, ollama_url=url))
        async with app.run_test(size=(180, 50)) as pilot:
            panel = await open_chat(pilot, app)
            assert "esc Back" in painted_hints()
            await ask(pilot, panel, "talk slowly")
            await wait_for(pilot, lambda: panel.busy and "slow slow" in messages_text(panel))
            await pilot.pause()
            assert "esc Stop answer" in painted_hints() and "esc Back" not in painted_hints()
            await wait_for(pilot, lambda: not panel.busy and panel.last_answer.startswith("slow"))
            await pilot.pause()
            assert "esc Back" in painted_hints() and "Stop answer" not in painted_hints()


async def test_quitting_mid_answer_keeps_what_arrived_for_the_next_start(tmp_path: Path) -> None:
    """Quitting (ctrl+q) while an answer streams: the words that arrived are saved, marked
    interrupted, before the app closes its storage."""
    fake = FakeOllama(script=[Turn(content=" ".join(["slow"] * 300))], token_delay=0.02)
    with fake_ollama(fake) as (url, _):
        config = app_config(tmp_path, ollama_url=url)
        app = make_app(config)
        async with app.run_test(size=(180, 50)) as pilot:
            panel = await open_chat(pilot, app)
            await ask(pilot, panel, "talk slowly")
            await wait_for(pilot, lambda: panel.busy and "slow slow slow" in messages_text(panel))
            await pilot.press("ctrl+q")
        app = make_app(config)
        async with app.run_test(size=(180, 50)) as pilot:
            await wait_for(pilot, lambda: app.ready)
            stored = (await app.session.chat.conversation("AAPL")).messages
            assert [m.role for m in stored] == ["user", "assistant"]
            assert stored[1].interrupted and stored[1].content.startswith("slow slow slow")


async def test_model_not_found_and_server_absent_show_inline_errors(tmp_path: Path) -> None:
    with fake_ollama(FakeOllama(models={"other:1b": ["completion"]})) as (url, _):
        app = make_app(app_config(tmp_path, ollama_url=url))
        async with app.run_test(size=(180, 50)) as pilot:
            panel = await open_chat(pilot, app)
            await ask(pilot, panel, "hi")
            await wait_for(pilot, lambda: "ollama pull" in messages_text(panel))
            text = messages_text(panel)
            assert "is not pulled: run `ollama pull llama3.2:3b` (installed: other:1b)" in text
            assert "ctrl+r retries" in text
    app = make_app(app_config(tmp_path / "absent"))
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("c")
        assert isinstance(app.screen, ChatScreen)
        panel = app.screen.query_one(ChatPanel)
        status = panel.query_one("#chat-status")
        # said plainly as soon as the panel opens, before anyone asks
        await wait_for(pilot, lambda: status.display and "ollama serve" in str(status.render()))
        assert "Ollama is not reachable at http://127.0.0.1:1" in str(status.render())
        await ask(pilot, panel, "anyone?")
        await wait_for(pilot, lambda: "ollama serve" in messages_text(panel))
        assert panel.query_one("#chat-input").disabled is False


async def test_plugins_screen_toggles_success_failure_and_hang(tmp_path: Path) -> None:
    extra = (
        f"    - {{name: boom, class: {FAKE}.RaisingCollector, enabled: false}}\n"
        f"    - {{name: hang, class: {FAKE}.HangingCollector, enabled: false, timeout: 1}}\n"
    )
    path = app_config(tmp_path, collectors="    - {name: simulated, plugin: simulated}\n" + extra)
    app = make_app(path)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.ready)
        await pilot.press("p")
        assert isinstance(app.screen, PluginsScreen)
        screen = app.screen
        table = screen.query_one(DataTable)

        def row_of(key: str) -> int:
            return [k.value for k in table.rows].index(key)

        def state(key: str) -> str:
            return table_text(table)[row_of(key)][3]

        table.move_cursor(row=row_of("data_collectors/simulated"))
        await pilot.press("space")
        assert state("data_collectors/simulated") in ("◌ stopping…", "○ disabled")  # answered at once
        await wait_for(pilot, lambda: state("data_collectors/simulated") == "○ disabled")
        await pilot.press("space")
        assert state("data_collectors/simulated") in ("◌ starting…", "● ready")
        await wait_for(pilot, lambda: state("data_collectors/simulated") == "● ready")

        table.move_cursor(row=row_of("data_collectors/boom"))
        await pilot.press("space")
        await wait_for(pilot, lambda: "failed" in state("data_collectors/boom"))
        assert "cannot reach the moon" in table_text(table)[row_of("data_collectors/boom")][4]
        assert "cannot reach the moon" in str(screen.query_one("#detail-text").render())

        table.move_cursor(row=row_of("data_collectors/hang"))
        await pilot.press("space")
        await wait_for(pilot, lambda: "starting" in state("data_collectors/hang"))
        await pilot.press("question_mark")  # the screen stays responsive while it hangs
        await pilot.press("escape")
        await wait_for(pilot, lambda: "failed" in state("data_collectors/hang"), timeout=5)
        assert "did not finish within 1 s" in table_text(table)[row_of("data_collectors/hang")][4]

        table.move_cursor(row=row_of("data_collectors/simulated"))
        await pilot.press("space")  # off again, and it should stay off after a restart
        await wait_for(pilot, lambda: state("data_collectors/simulated") == "○ disabled")
    again = make_app(path)
    async with again.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: again.ready)
        assert again.session.manager.record("data_collectors", "simulated").state is PluginState.DISABLED
        rows = watch_rows(again.main_screen.query_one("#watchlist"))
        assert "no data collector is running" in rows[0]["name"]
        status = str(again.main_screen.query_one("#status").render())
        assert "no prices: no data collector is running (see the Plugins screen)" in status


def newest_word_on_screen(app: Any) -> int:
    """The highest n of the words "w<n>" painted on the screen (-1 if none)."""
    import re

    painted = "\n".join(painted_lines(app))
    return max((int(n) for n in re.findall(r"\bw(\d+)\b", painted)), default=-1)


async def test_a_streaming_answer_stays_in_view_unless_the_user_scrolls_up(tmp_path: Path) -> None:
    earlier = Turn(content=" ".join(f"v{i}" for i in range(300)))  # a conversation taller than the view
    fake = FakeOllama(
        script=[earlier, Turn(content=" ".join(f"w{i}" for i in range(1000)))], token_delay=0.005
    )
    with fake_ollama(fake) as (url, _):
        app = make_app(app_config(tmp_path, ollama_url=url))
        async with app.run_test(size=(80, 24)) as pilot:  # a small terminal: a few lines of chat
            await wait_for(pilot, lambda: app.ready)
            await pilot.press("c")
            panel = app.screen.query_one(ChatPanel)
            box = panel.query_one("#messages")
            await ask(pilot, panel, "first")
            await wait_for(pilot, lambda: panel.last_answer != "")
            panel.last_answer = ""
            await ask(pilot, panel, "talk")

            def streamed() -> int:  # the newest word the answer has received
                source = panel.query(Markdown).last().source.split()
                return int(source[-1][1:]) if source and source[-1][1:].isdigit() else -1

            for target in (150, 300, 450):  # several renewals of the reserved lines
                await wait_for(pilot, lambda t=target: streamed() >= t)
                received = streamed()
                await pilot.pause(0.3)
                assert newest_word_on_screen(app) >= received - 12, (
                    target,
                    received,
                    newest_word_on_screen(app),
                )
            box.scroll_to(y=0, animate=False, immediate=True)  # the user scrolls up to read
            await pilot.pause(0.5)
            assert box.scroll_y == 0 and newest_word_on_screen(app) == -1  # left where the user put it
            box.scroll_end(animate=False, immediate=True)  # ...and back down: following again
            await wait_for(pilot, lambda: streamed() >= 700 or panel.last_answer != "")
            received = streamed()
            await pilot.pause(0.3)
            assert panel.last_answer or newest_word_on_screen(app) >= received - 12
            await wait_for(pilot, lambda: panel.last_answer != "", timeout=20)
            await pilot.pause(0.2)
            assert newest_word_on_screen(app) == 999  # the end of the answer is in view


async def test_a_custom_category_starts_in_the_app_and_toggles(tmp_path: Path) -> None:
    """The guide's `custom:` category: started with the rest, a row on the Plugins screen, and
    switched off and on like any plugin."""
    extra = f"  custom:\n    - {{name: custom_plugin, class: {FAKE}.GuideCustomPlugin, config: {{key: v}}}}\n"
    app = make_app(app_config(tmp_path, extra_plugins=extra))
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: app.ready)
        record = app.session.manager.record("custom", "custom_plugin")
        await wait_for(pilot, lambda: record.state is PluginState.READY)
        assert await app.session.manager.get_plugin("custom", "custom_plugin").operation() == {
            "status": "success",
            "key": "v",
        }
        await pilot.press("p")
        table = app.screen.query_one(DataTable)
        keys = [k.value for k in table.rows]
        assert "custom/custom_plugin" in keys
        table.move_cursor(row=keys.index("custom/custom_plugin"))
        await pilot.press("space")
        await wait_for(pilot, lambda: record.state is PluginState.DISABLED)
        assert "cleanup-custom:v" in fake_plugins.EVENTS
        await pilot.press("space")
        await wait_for(pilot, lambda: record.state is PluginState.READY)


async def test_the_grounding_says_what_each_figure_matched_and_why_one_did_not(tmp_path: Path) -> None:

    fake = FakeOllama()
    with fake_ollama(fake) as (url, _):
        app = make_app(app_config(tmp_path, ollama_url=url))
        async with app.run_test(size=(180, 50)) as pilot:
            panel = await open_chat(pilot, app)
            await wait_for(pilot, lambda: app.ready and "AAPL" in app.watchlist.rows)
            price = app.watchlist.rows["AAPL"].quote.price
            fake.script = [Turn(content=f"AAPL last traded at {price:.2f}; its RSI is {price:.2f} too.")]
            await ask(pilot, panel, "How is AAPL?")
            await wait_for(pilot, lambda: panel.last_answer != "")
            warning = str(panel.query(".unverified").last().render())
            assert f"{price:.2f} (written as rsi, but it is AAPL's price)" in warning
            body = str(panel.query("Collapsible").last().query("Contents Static").last().render())
            assert "figures checked:" in body
            assert f"{price:.2f}: written as rsi, but it is AAPL's price" in body
