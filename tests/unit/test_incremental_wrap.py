"""The incremental wrap must break every text exactly where rich's divide_line does."""

from __future__ import annotations

import random

import pytest
import textual.content
from rich._wrap import divide_line

from naetra_tui.ui.perf import incremental_wrap
from naetra_tui.ui.perf.incremental_wrap import incremental_divide_line

PIECES = ["w", "word ", "longerword", " ", "  ", "\t", "ab", "日本語", "x" * 30, " y", "é", "\u00a0"]


def grown_texts(seed: int, steps: int = 250) -> list[str]:
    """A text growing a token at a time, as a streamed answer does (often mid-word)."""
    rng = random.Random(seed)
    text = rng.choice(["", "   ", "x" * 1200])  # leading spaces and a first word longer than a line
    texts = []
    for _ in range(steps):
        text += "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))
        texts.append(text)
    return texts


@pytest.fixture(autouse=True)
def fresh_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incremental_wrap, "_recent", type(incremental_wrap._recent)())
    monkeypatch.setattr(incremental_wrap, "REUSE_FROM", 0)  # exercise reuse on short texts too


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("width", [1, 2, 7, 40, 157])
@pytest.mark.parametrize("fold", [True, False])
def test_growing_text_breaks_as_rich_does(seed: int, width: int, fold: bool) -> None:
    for text in grown_texts(seed):
        assert incremental_divide_line(text, width, fold) == divide_line(text, width, fold)


def test_other_texts_and_widths_in_between_do_not_confuse_it() -> None:
    growing = grown_texts(99, steps=200)
    other = grown_texts(7, steps=200)
    for a, b in zip(growing, other, strict=True):
        for width in (30, 31):  # a resize between frames
            assert incremental_divide_line(a, width) == divide_line(a, width)
            assert incremental_divide_line(b, width) == divide_line(b, width)


def test_a_shrunk_or_edited_text_is_wrapped_afresh() -> None:
    text = "alpha beta gamma " * 200
    assert incremental_divide_line(text, 20) == divide_line(text, 20)
    for changed in (text[:-40], "Alpha" + text[5:], text[:500] + "zzz" + text[500:]):
        assert incremental_divide_line(changed, 20) == divide_line(changed, 20)


def test_the_caller_cannot_change_what_is_remembered() -> None:
    text = "alpha beta gamma " * 100
    breaks = incremental_divide_line(text, 20)
    breaks.clear()
    assert incremental_divide_line(text, 20) == divide_line(text, 20)


def test_memory_is_bounded() -> None:
    for seed in range(100):
        incremental_divide_line(f"{seed} " * 300, 20)
    assert len(incremental_wrap._recent) <= incremental_wrap.REMEMBERED


def test_install_replaces_textuals_wrap(monkeypatch: pytest.MonkeyPatch) -> None:
    # If Textual stops wrapping through this name, the install would do nothing: fail loudly.
    assert textual.content.divide_line in (divide_line, incremental_divide_line)
    monkeypatch.setattr(textual.content, "divide_line", divide_line)
    text = "lorem ipsum dolor " * 100
    expected = [line.plain for line in textual.content.Content(text).wrap(33)]
    incremental_wrap.install()
    assert textual.content.divide_line is incremental_divide_line
    for _ in range(2):  # wrapped afresh, then from what it remembers
        assert [line.plain for line in textual.content.Content(text).wrap(33)] == expected


def test_the_guard_refuses_a_textual_that_wraps_differently(monkeypatch) -> None:
    """If Textual's Content no longer wraps through divide_line(text, width, fold), the speedup
    changes nothing and says so (Textual's own wrapping stays)."""
    import textual.content

    from naetra_tui.ui.perf import incremental_wrap, install_speedups

    def other_wrapper(content, columns):  # a different shape: not ours to replace
        return []

    monkeypatch.setattr(textual.content, "divide_line", other_wrapper)
    assert incremental_wrap.install() is False
    assert textual.content.divide_line is other_wrapper
    assert install_speedups()["incremental_wrap"] is False
