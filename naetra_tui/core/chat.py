"""Provider-neutral chat types: what the chat service and every LLM plugin exchange.

The service speaks only these; each LLM plugin translates them to and from its own wire format
(Ollama's ``/api/chat``, OpenAI's Chat Completions, ...), so a new provider has a complete
contract to implement against (``ILLMProvider.stream_chat``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]

#: Context window assumed for a provider that does not say (tokens).
DEFAULT_CONTEXT_WINDOW = 8192


@dataclass(frozen=True)
class ToolCall:
    """A model's request to run one tool.

    Attributes:
        name: the tool's name as the model wrote it (untrusted text: clean before showing).
        arguments: the decoded JSON arguments (validated by the tool before it runs).
        id: the provider's id for the call, echoed back with its result (OpenAI needs it).
    """

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    id: str | None = None


@dataclass(frozen=True)
class ToolSpec:
    """A tool the model may call: its name, what it does, and a JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ChatTurn:
    """One message of a conversation sent to a provider.

    Attributes:
        role: ``system``, ``user``, ``assistant`` or ``tool``.
        content: the text (for ``tool``: the tool's result).
        tool_calls: on an ``assistant`` turn, the calls the model made.
        answers: on a ``tool`` turn, the call this result answers.
    """

    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    answers: ToolCall | None = None


@dataclass
class ChatChunk:
    """A piece of a streamed answer.

    Attributes:
        content: text to append to the answer (may be empty).
        tool_calls: complete tool calls (a provider that streams call fragments assembles them).
        done: the last chunk of the answer.
        done_reason: why it ended, as the provider says (``stop``, ``length`` ...).
        prompt_tokens / answer_tokens: token counts when the provider reports them.
    """

    content: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    done: bool = False
    done_reason: str | None = None
    prompt_tokens: int | None = None
    answer_tokens: int | None = None


ONE_SHOT_SYSTEM = "You are a concise markets assistant. Not investment advice."


def one_shot_turns(prompt: str, context: dict[str, Any]) -> list[ChatTurn]:
    """The guide's ``generate(prompt, context)`` as a conversation for ``stream_chat``:
    ``context`` may hold ``system``; the rest travels as quoted data, not as instructions."""
    import json

    system = str(context.get("system") or ONE_SHOT_SYSTEM)
    data = {k: v for k, v in context.items() if k != "system"}
    user = prompt
    if data:
        user += "\n\n<data>\n" + json.dumps(data, default=str, indent=1)[:20000] + "\n</data>"
    return [ChatTurn("system", system), ChatTurn("user", user)]


async def whole_answer(chunks: Any) -> str:
    """Join a streamed answer (an async iterator of ``ChatChunk``)."""
    return "".join([chunk.content async for chunk in chunks])
