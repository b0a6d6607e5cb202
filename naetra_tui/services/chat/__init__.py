"""The chat: conversations grounded in the user's live data (service, tools, grounding, export)."""

from .grounding import build_context, estimate_tokens, summarize_history
from .service import GENERAL, SYSTEM_PROMPT, ChatEvent, ChatService, Conversation
from .tools import TOOL_ARGS, ChatTools, tool_specs

__all__ = [
    "GENERAL",
    "SYSTEM_PROMPT",
    "TOOL_ARGS",
    "ChatEvent",
    "ChatService",
    "ChatTools",
    "Conversation",
    "build_context",
    "estimate_tokens",
    "summarize_history",
    "tool_specs",
]
