"""A conversation as Markdown (ctrl+s in the chat), secrets redacted."""

from __future__ import annotations

from ...core.models import ChatMessage
from ...core.secrets import redact
from ...core.text import clean


def conversation_markdown(key: str, messages: list[ChatMessage], general_key: str) -> str:
    """The user's and the assistant's turns with times, interruptions and grounding."""
    title = "General" if key == general_key else key
    lines = [f"# naetra-tui chat: {title}", ""]
    for m in messages:
        if m.role not in ("user", "assistant"):
            continue
        who = "You" if m.role == "user" else f"Assistant ({m.created_at:%Y-%m-%d %H:%M} UTC)"
        lines += [f"## {who}", "", m.content]
        if m.interrupted:
            lines.append("\n*(answer interrupted)*")
        if m.grounding:
            lines.append("\n> grounded on: " + "; ".join(m.grounding))
        lines.append("")
    # cleaned like the screen: a model's ESC/OSC or bidi bytes must not act on `cat`
    return clean(redact("\n".join(lines)))
