"""Word wrapping that reuses the previous wrap of a text that only grew at its end.

Textual wraps a paragraph with rich's ``divide_line`` twice per frame (once for its height,
once to render it), from the first word each time. A streamed answer's last paragraph grows by
a few words per frame, so wrapping it from the start made each frame O(paragraph): ~8 ms of a
frame for a 2,000-word paragraph. Greedy wrapping decides each line from the words before it,
so the lines before the last one stay as they were; only the last line onwards is wrapped again.

Delete when: a Textual or Rich that re-wraps a grown paragraph from its last line; or when ``NAETRA_SPEEDUPS=0 python benchmarks/ui.py --only chat``
meets the chat-stream stall within 20 ms without it.
"""

from __future__ import annotations

from collections import OrderedDict

from rich._wrap import divide_line

REUSE_FROM = 1_000  # characters: shorter texts wrap faster than the bookkeeping pays for
REMEMBERED = 16  # recent long texts per width (a few paragraphs on screen, at two widths)

_recent: OrderedDict[tuple[int, bool, str], list[int]] = OrderedDict()


def _restart_point(text: str, breaks: list[int]) -> int:
    """Index into ``breaks`` of the last break at the start of a whole word.

    Wrapping restarted there from column 0 decides every later break as the first pass did.
    (A break inside a folded long word is not such a point: the column state there depends on
    how the word was chopped.)
    """
    first_word = len(text) - len(text.lstrip())  # leading spaces belong to the first word
    for index in range(len(breaks) - 1, -1, -1):
        at = breaks[index]
        if first_word < at < len(text) and text[at - 1].isspace() and not text[at].isspace():
            return index
    return -1


def incremental_divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """``rich._wrap.divide_line``, reusing the wrap of an earlier text that ``text`` extends."""
    if len(text) < REUSE_FROM:
        return divide_line(text, width, fold)
    grown_from = None
    for key in reversed(_recent):
        old_width, old_fold, old_text = key
        if old_width == width and old_fold == fold and text.startswith(old_text):
            grown_from = key
            break
    if grown_from is None:
        breaks = divide_line(text, width, fold)
    else:
        old_text = grown_from[2]
        old_breaks = _recent[grown_from]
        if old_text == text:
            _recent.move_to_end(grown_from)
            return list(old_breaks)
        index = _restart_point(old_text, old_breaks)
        start = old_breaks[index] if index >= 0 else 0
        tail = [start + offset for offset in divide_line(text[start:], width, fold)]
        breaks = old_breaks[: index + 1] + tail
    _recent[(width, fold, text)] = breaks
    while len(_recent) > REMEMBERED:
        _recent.popitem(last=False)
    return list(breaks)


def compatible() -> bool:
    """Textual's Content wraps through a module-level ``divide_line(text, width, fold)``."""
    import inspect

    import textual.content

    original = getattr(textual.content, "divide_line", None)
    if original is incremental_divide_line:
        return True
    if not callable(original):
        return False
    try:
        return list(inspect.signature(original).parameters)[:3] == ["text", "width", "fold"]
    except (TypeError, ValueError):
        return False


def install() -> bool:
    """Make Textual's Content wrapping use the incremental version (idempotent).

    Returns:
        False, changing nothing, when Textual's Content no longer wraps the way this expects.
    """
    import textual.content

    if not compatible():
        return False
    textual.content.divide_line = incremental_divide_line
    return True
