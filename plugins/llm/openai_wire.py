"""The Chat Completions wire format for the `openai` plugin: our provider-neutral turns and
tools in OpenAI's shapes, the servers' error bodies in words, streamed tool-call fragments
assembled into calls."""

from __future__ import annotations

import json
import time
from typing import Any

from naetra_tui.core.chat import ChatTurn, ToolCall, ToolSpec
from naetra_tui.core.text import clean_line


def wire_messages(messages: list[ChatTurn]) -> list[dict[str, Any]]:
    """Our turns as Chat Completions messages: calls carry ids that their results echo."""
    out: list[dict[str, Any]] = []
    for index, turn in enumerate(messages):
        message: dict[str, Any] = {"role": turn.role, "content": turn.content}
        if turn.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.id or f"call_{index}_{n}",
                    "type": "function",
                    "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
                }
                for n, call in enumerate(turn.tool_calls)
            ]
        if turn.role == "tool" and turn.answers is not None:
            message["tool_call_id"] = turn.answers.id or _call_id_for(messages, turn.answers)
        out.append(message)
    return out


def _call_id_for(messages: list[ChatTurn], call: ToolCall) -> str:
    for index, turn in enumerate(messages):
        for n, made in enumerate(turn.tool_calls):
            if made is call:
                return f"call_{index}_{n}"
    return "call_0_0"


def wire_tools(tools: list[ToolSpec]) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
        }
        for t in tools
    ]


def server_words(body: Any, fallback: str) -> str:
    """The server's own error message (cleaned, short): ``{"error": {"message": ...}}``,
    ``{"error": "..."}``, ``{"detail": ...}`` or ``{"message": ...}``."""
    text: Any = None
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            text = error.get("message") or error.get("detail")
        elif isinstance(error, str):
            text = error
        text = text or body.get("detail") or body.get("message")
    return clean_line(str(text if text else fallback))[:300]


def error_code(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("code") or body["error"].get("type") or "")
    return ""


def looks_like_context_overflow(code: str, words: str) -> bool:
    lowered = words.lower()
    return code == "context_length_exceeded" or any(
        phrase in lowered
        for phrase in (
            "context length",
            "context window",
            "maximum context",
            "exceed context",
            "too many tokens",
        )
    )


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class EmptyStream(Exception):
    """The server ended the stream before any event."""


class ToolCallAssembler:
    """Streamed tool calls arrive as fragments by index: name first, arguments in pieces."""

    def __init__(self) -> None:
        self.parts: dict[int, dict[str, Any]] = {}

    def add(self, fragments: list[dict[str, Any]]) -> None:
        for fragment in fragments:
            part = self.parts.setdefault(int(fragment.get("index", 0)), {"id": None, "name": "", "args": ""})
            part["id"] = fragment.get("id") or part["id"]
            function = fragment.get("function") or {}
            part["name"] += function.get("name") or ""
            part["args"] += function.get("arguments") or ""

    def calls(self) -> list[ToolCall]:
        out = []
        for _, part in sorted(self.parts.items()):
            try:
                arguments = json.loads(part["args"]) if part["args"].strip() else {}
            except json.JSONDecodeError:
                arguments = {"_unparsed": part["args"][:500]}  # the tool refuses it, in words
            out.append(ToolCall(part["name"], arguments if isinstance(arguments, dict) else {}, part["id"]))
        self.parts.clear()
        return out


def json_or_none(source: Any) -> Any:
    try:
        if hasattr(source, "json"):
            return source.json()
        return json.loads(source)
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
