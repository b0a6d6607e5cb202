"""The chat panel: streamed Markdown answers, what each was grounded on, errors with a retry.

Answers stream through Textual's ``Markdown.get_stream`` (batched writes) and finish with one
full update so nothing stays half-rendered. Links are never opened: clicking one shows it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Collapsible, Input, Label, Markdown, Select, Static

from ...core.text import clean_line
from ..formatting import clean, safe
from ..perf.restyle_changed_lines import QuickVerticalScrollBar, RestyleChangedLines
from ..perf.streamed_markdown import FinishedMarkdown, OneLayoutPerResize, StreamedMarkdown
from ..worker_errors import ReportsWorkerErrors
from .batched_stream import BatchedStream

if TYPE_CHECKING:
    from ...core.models import ChatMessage
    from ...services.chat import ChatService


def short_model(model: str | None) -> str:
    """A model named by its file path (llama.cpp's servers do that): its file name."""
    return (model or "").rstrip("/").rsplit("/", 1)[-1]


def marked(message: ChatMessage) -> str:
    """The answer's Markdown, cleaned, with the figures the check could not find set apart."""
    from ...services.chat.figures import mark_figures

    return mark_figures(clean(message.content), message.unverified_figures)


class ChatInput(Input):
    """An input with history: up/down recall what was sent."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(placeholder="Ask about the symbol on screen… (Enter to send, Esc to stop)", **kwargs)
        self.history: list[str] = []
        self.position = 0

    def remember(self, text: str) -> None:
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self.position = len(self.history)

    async def _on_key(self, event: events.Key) -> None:  # before the Input's own (the MRO)
        if event.key in ("up", "down") and self.history:
            step = -1 if event.key == "up" else 1
            self.position = max(0, min(len(self.history), self.position + step))
            self.value = self.history[self.position] if self.position < len(self.history) else ""
            self.cursor_position = len(self.value)
            event.stop()
            event.prevent_default()


class Conversation(RestyleChangedLines, QuickVerticalScrollBar, OneLayoutPerResize, VerticalScroll):
    """The scrolling list of messages: one layout per change of its height, and only the
    changed lines of its background and scroll bar restyled when it scrolls or grows."""


class ChatPanel(ReportsWorkerErrors, Vertical):
    DEFAULT_CSS = """
    ChatPanel { border: round $primary; padding: 0 1; }
    ChatPanel #chat-title { width: 1fr; text-style: bold; }
    ChatPanel #model { width: 1fr; }
    ChatPanel #chat-status { color: $warning; display: none; }
    ChatPanel #messages { height: 1fr; scrollbar-gutter: stable; }
    ChatPanel .user { color: $accent; margin-top: 1; }
    ChatPanel .error { color: $error; }
    ChatPanel .notice { color: $warning; }
    ChatPanel .unverified { color: $warning; text-style: bold; }
    ChatPanel Collapsible { padding: 0; margin: 0; border: none; }
    """

    BINDINGS = [
        Binding("escape", "stop", "Stop answer", show=True),
        Binding("ctrl+n", "new_chat", "New chat"),
        Binding("ctrl+s", "export", "Export"),
        Binding("ctrl+y", "copy", "Copy answer"),
        Binding("ctrl+r", "retry", "Retry"),
    ]

    def __init__(self, symbol: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.symbol = symbol
        self._busy = False
        self.last_question: str | None = None
        self.last_answer = ""

    def compose(self) -> ComposeResult:
        # title and model picker on rows of their own: side by side, a model name like
        # "llama3.2:3b" wrapped onto two lines in a 30-column panel
        yield Label(self._title(), id="chat-title")
        yield Select([], prompt="model", id="model", allow_blank=True)
        yield Static(id="chat-status")  # the provider's problem, before anyone asks
        yield Conversation(id="messages")
        yield ChatInput(id="chat-input")

    @property
    def busy(self) -> bool:
        """An answer is streaming: Esc stops it (when idle, Esc goes back)."""
        return self._busy

    @busy.setter
    def busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.refresh_bindings()  # the key hints say what Esc does now

    def _title(self) -> Text:
        return safe(f"Chat · {self.symbol or 'general'}")

    @property
    def chat(self) -> ChatService | None:
        """The Session's chat; None while the app starts (or in an App that is not ours)."""
        from ...services.session import Phase
        from ..app import NaetraApp

        session = self.app.session_at(Phase.ALL) if isinstance(self.app, NaetraApp) else None
        return session.chat if session is not None else None

    def on_mount(self) -> None:
        self.load_history()
        self.load_models()

    # --- history and models ---------------------------------------------------------------

    @work(exclusive=True, group="chat-history", exit_on_error=False)
    async def load_history(self) -> None:
        box = self.query_one("#messages", VerticalScroll)
        await box.remove_children()
        if self.chat is None:
            await box.mount(Static(Text("Starting…", style="dim")))
            return
        conv = await self.chat.conversation(self.chat.key_for(self.symbol))
        for message in conv.messages[-50:]:
            await self._mount_message(message)
        box.scroll_end(animate=False)

    @work(exclusive=True, group="chat-models", exit_on_error=False)
    async def load_models(self) -> None:
        select = self.query_one("#model", Select)
        if self.chat is None:
            return
        from ...core.errors import NaetraError

        status = self.query_one("#chat-status", Static)
        try:
            models = await self.chat.models()
        except NaetraError as exc:  # Ollama not running, no LLM plugin enabled...
            models = []
            text = Text(clean(str(exc)))
            text.append("  — ctrl+r checks again", style="dim")
            status.update(text)
            status.display = True
        else:
            status.display = False
        current = self.chat.model
        options = sorted(set(models) | ({current} if current and current != "?" else set()))
        # model names come from the server: shown as Content (never markup), cleaned
        select.set_options([(Content(clean_line(m)), m) for m in options])
        if current in options:
            select.value = current

    @on(Select.Changed, "#model")
    def _model_changed(self, event: Select.Changed) -> None:
        if self.chat is not None and isinstance(event.value, str):
            self.chat.model_override = event.value

    async def _mount_message(self, message: ChatMessage) -> None:
        box = self.query_one("#messages", VerticalScroll)
        if message.role == "user":
            await box.mount(Static(safe(f"› {message.content}"), classes="user"))
            return
        if message.role != "assistant":
            return
        if message.content:
            # a stored answer is cleaned again when shown (it may predate the cleaning)
            await box.mount(FinishedMarkdown(marked(message), open_links=False))
            if message.unverified_figures:
                await box.mount(self._unverified_widget(message))
        if message.error:
            await box.mount(self._error_widget(message.error, message.interrupted))
        await self._mount_grounding(message)

    def _error_widget(self, error: str, interrupted: bool) -> Static:
        text = Text()
        if interrupted:
            text.append("(answer interrupted) ", style="italic")
        text.append(clean(error))
        text.append("  — ctrl+r retries", style="dim")
        return Static(text, classes="error")

    @staticmethod
    def _unverified_widget(message: ChatMessage) -> Static:
        notes = message.figure_notes
        figures = ", ".join(f"{f} ({notes[f]})" if f in notes else f for f in message.unverified_figures[:20])
        return Static(
            Content(clean_line(f"⚠ not found in the data this answer was grounded on: {figures}")),
            classes="unverified",
        )

    async def _mount_grounding(self, message: ChatMessage) -> None:
        if not message.grounding and not message.context:
            return
        from ...services.chat.figures import figure_summary

        parts = ["grounded on: " + ("; ".join(message.grounding) or "no data")]
        if check := figure_summary(message.verified_figures, message.unverified_figures):
            parts.append(check)
        author = f"{message.provider} {short_model(message.model)}".rstrip() if message.provider else ""
        if author:
            parts.append(author)
        title = " · ".join(parts)
        box = self.query_one("#messages", VerticalScroll)
        # opened, it says first who wrote the answer (the title may be cut in a narrow panel)
        body = (f"answered by {author}\n\n" if author else "") + figures_text(message)
        body += message.context or "(no context)"
        title_text = Content(clean_line(title))  # a Content: shown as text, never parsed as markup
        collapsible = Collapsible(Static(safe(body)), title=title_text, collapsed=True)  # type: ignore[arg-type]
        await box.mount(collapsible)

    # --- asking ---------------------------------------------------------------------------

    @on(Input.Submitted, "#chat-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        field = self.query_one(ChatInput)
        field.remember(text)
        field.value = ""
        self.ask(text)

    def ask(self, text: str) -> None:
        chat = self.chat
        if chat is None:
            self.app.notify("The chat is still starting; try again in a moment.", markup=False)
            return
        self.last_question = text
        self.run_worker(self._ask(chat, text), exclusive=True, group="chat", exit_on_error=False)

    async def _ask(self, chat: ChatService, text: str) -> None:
        box = self.query_one("#messages", VerticalScroll)
        await box.mount(Static(safe(f"› {text}"), classes="user"))
        markdown = StreamedMarkdown("", open_links=False)
        await box.mount(markdown)
        box.scroll_end(animate=False)

        # Where following last sent the view. "At the end" cannot be judged by distance from
        # the end: a write (and the lines reserved below it) moves the end by more than a few
        # lines before the view has caught up, and the view then stopped following.
        followed_to = 0.0

        def follow() -> None:  # after each write: keep the answer in view unless scrolled up
            nonlocal followed_to
            markdown.reserve_ahead()
            if box.scroll_y >= followed_to - 2:  # not scrolled up by the user since
                threshold = followed_to
                followed_to = box.max_scroll_y  # (the end so far; the layout may move it on)
                box.call_after_refresh(catch_up, threshold)

        def catch_up(threshold: float) -> None:
            # after the write's refresh, as scroll_end(immediate=False) would, but only if the
            # user has not scrolled up in between (a scroll queued before theirs undid it)
            nonlocal followed_to
            if box.scroll_y >= threshold - 2:
                box.scroll_end(animate=False, immediate=True)
                followed_to = box.max_scroll_y

        stream = BatchedStream(markdown, on_write=follow)
        answer = ""
        self.busy = True
        try:
            async for event in chat.ask(text, self.symbol):
                if event.kind == "token":
                    answer += event.text
                    stream.add(event.text)
                elif event.kind in ("tool", "notice"):
                    await box.mount(Static(safe(f"· {event.text}"), classes="notice"), before=markdown)
                elif event.kind == "error":
                    await stream.stop()
                    markdown.release_reserve()
                    await markdown.finish(redraw=answer)
                    await box.mount(self._error_widget(event.text, bool(answer)))
                    if event.message is not None:
                        await self._mount_grounding(event.message)
                elif event.kind == "done":
                    await stream.stop()
                    markdown.release_reserve()
                    # its lists drawn by one widget each; fenced code and tables can stay
                    # half-rendered after streaming: those answers are drawn again
                    await markdown.finish(redraw=answer if "```" in answer or "|" in answer else None)
                    self.last_answer = answer
                    if event.message is not None and event.message.unverified_figures:
                        await markdown.restyle(marked(event.message))  # unverified figures set apart
                        await box.mount(self._unverified_widget(event.message))
                    if event.message is not None:
                        await self._mount_grounding(event.message)
        finally:
            self.busy = False
            if not stream.stopped:
                await stream.stop()
                await markdown.finish(redraw=answer)
            markdown.release_reserve()
            box.scroll_end(animate=False)

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self.busy  # when idle, Esc goes on to the screen (back)
        return True

    def action_stop(self) -> None:
        if self.busy:
            self.workers.cancel_group(self, "chat")
            self.query_one("#messages", VerticalScroll).mount(
                Static(Text("(stopped)", style="italic"), classes="notice")
            )
            self.busy = False

    def action_retry(self) -> None:
        if self.last_question and not self.busy:
            self.ask(self.last_question)
        self.load_models()  # and see whether the provider is back

    async def action_new_chat(self) -> None:
        if self.chat is None:
            return
        await self.chat.new_chat(self.chat.key_for(self.symbol))
        await self.query_one("#messages", VerticalScroll).remove_children()
        self.app.notify(f"New chat for {self.symbol or 'general'}", markup=False)

    async def action_export(self) -> None:
        if self.chat is None:
            return
        from datetime import datetime

        from ...core.paths import user_data_dir

        key = self.chat.key_for(self.symbol)
        text = await self.chat.export_markdown(key)
        from ...core.files import atomic_write

        path = user_data_dir() / "exports" / f"chat-{key.replace('^', '')}-{datetime.now():%Y%m%d-%H%M%S}.md"
        await asyncio.to_thread(atomic_write, path, text)  # user-only, like the chats it holds
        self.app.notify(f"Chat exported to {path}", markup=False)

    def action_copy(self) -> None:
        if self.last_answer:
            self.app.copy_to_clipboard(self.last_answer)
            self.app.notify("Answer copied to the clipboard", markup=False)

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        event.prevent_default()
        self.app.notify(f"Link (not opened): {clean(event.href)}", markup=False, timeout=10)


def figures_text(message: ChatMessage) -> str:
    """Each checked figure and what it matched in the data (or why not), before the context."""
    if not message.figure_notes:
        return ""
    lines = [f"  {figure}: {note}" for figure, note in list(message.figure_notes.items())[:40]]
    return "figures checked:\n" + "\n".join(lines) + "\n\n"
