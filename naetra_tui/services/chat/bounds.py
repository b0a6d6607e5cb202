"""The limits on what one model may make the chat do for one question, the sentences that
end an answer when one is hit, and what of a tool's result may ground the answer's figures."""

from __future__ import annotations

import re

# Bounds on what one model (any provider, the guide's too) can make us do for one question;
# each ends the answer with a sentence saying which was hit, and `ask` exits 1.
MAX_TOOL_ROUNDS = 4  # rounds of tool calls before the model must answer
MAX_TOOL_CALLS = 8  # tool calls in one round
MAX_ANSWER_CHARS = 40_000  # about 10,000 tokens: far past any answer a chat needs
ANSWER_DEADLINE = 300.0  # seconds for the whole answer, tools included; keep-alives do not extend it
OTHERS_CHECK_TIMEOUT = 2.0  # seconds to ask another provider whether it is up before suggesting it


def too_slow(seconds: float) -> str:
    return (
        f"the answer took more than {seconds:g} s in all; stopped (the server may be overloaded, "
        "or the model too large for this machine)"
    )


def too_long(limit: int) -> str:
    return (
        f"the answer passed {limit:,} characters; stopped (a model that does not stop: "
        "start a new chat or try another model)"
    )


def too_many_calls(count: int) -> str:
    return (
        f"the model asked for {count} or more tool calls in one answer (at most {MAX_TOOL_CALLS}); "
        "stopped, none of them run"
    )


def data_only(result: str, arguments: object) -> str:
    """What of a tool's result may ground the answer's figures: the data it fetched, never
    text the model wrote. An error (which may echo the model's arguments) counts for nothing,
    nor does a line saying a symbol is unavailable, and any number the model passed as an
    argument is taken out of the rest (a model cannot launder a figure through a tool call)."""
    if result.startswith("error:"):
        return ""
    kept = "\n".join(line for line in result.splitlines() if "unavailable (" not in line)
    for written in _argument_texts(arguments):
        if any(ch.isdigit() for ch in written):  # as a whole token: "5" leaves "15.2" alone
            kept = re.sub(rf"(?<![\w.]){re.escape(written)}(?![\w]|\.\d)", " ", kept)
    return kept


def _argument_texts(value: object) -> list[str]:
    if isinstance(value, dict):
        return [text for v in value.values() for text in _argument_texts(v)]
    if isinstance(value, list | tuple):
        return [text for v in value for text in _argument_texts(v)]
    return [str(value)] if value is not None else []
