"""Streamed paragraphs repaint only what changed: the screen must still match Textual's own
Markdown fed the same text, after every write."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.strip import Strip
from textual.widgets import Markdown

from naetra_tui.ui.perf.flat_list import FlatListMixin
from naetra_tui.ui.perf.streamed_markdown import FinishedMarkdown, StreamedMarkdown, StreamedParagraph
from tests.ui.conftest import SPEEDUPS_OFF, needs_speedups

WIDTH = 36  # each side

ANSWER = (
    "AAPL closed at **$189.30**, up *1.2%* on the day, with volume near its `20-day` average. "
    "The RSI sits at 58 and the MACD line crossed above its signal two sessions ago, which "
    "traders read as momentum turning up; see [the chart](https://example.com/aapl) for the "
    "whole picture.\n\n"
    "## What to watch\n\n"
    "- the 50-day SMA at 184\n- earnings on the 30th\n\n"
    + " ".join(f"word{i}" for i in range(120))
    + " and a final **bold** finish.\n\nLast paragraph, short."
)

# lists grow in place (perf/streamed_list.py): nested, numbered past 9 (the numbers widen),
# an item holding a code block (remounted, as Textual does), a loose list
LISTS = (
    "Points to watch:\n\n1. the first, with **bold** and `code`\n2. the second\n"
    "   - nested one\n   - nested two, a longer line that wraps across the narrow column\n"
    "3. third\n4. four\n5. five\n6. six\n7. seven\n8. eight\n9. nine\n10. ten: the numbers widen\n\n"
    "- an item with code:\n\n  ```\n  x = 1\n  ```\n- after the code\n\n"
    "* loose one\n\n* loose two\n\nThe end."
)


class SideBySide(App[None]):
    CSS = f"""
    VerticalScroll {{ width: {WIDTH}; height: 1fr; scrollbar-size: 0 0; }}
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            with VerticalScroll(id="left"):
                yield StreamedMarkdown("", id="streamed")
            with VerticalScroll(id="right"):
                yield Markdown("", id="plain")


def cells(strip: Strip) -> list[tuple[str, Any]]:
    return [(char, segment.style) for segment in strip for char in segment.text]


def halves(app: App[None]) -> tuple[list[list[tuple[str, Any]]], list[list[tuple[str, Any]]]]:
    strips = app.screen._compositor.render_strips()
    left = [cells(strip.crop(0, WIDTH)) for strip in strips]
    right = [cells(strip.crop(WIDTH, 2 * WIDTH)) for strip in strips]
    return left, right


def looks_same(row: list[tuple[str, Any]], other: list[tuple[str, Any]]) -> bool:
    """The same cells, or both blank on the same background (a blank line inside a
    paragraph's kept room carries the text colour, a margin line does not: both look empty)."""
    if row == other:
        return True
    blank = all(char == " " for char, _ in row) and all(char == " " for char, _ in other)
    return blank and [style.bgcolor for _, style in row] == [style.bgcolor for _, style in other]


@pytest.mark.parametrize("answer", [ANSWER, LISTS], ids=["prose", "lists"])
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("reserve", [False, True], ids=["as-is", "with-reserve"])
async def test_streamed_answer_looks_like_textuals_markdown_after_every_write(
    answer: str, seed: int, reserve: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``reserve`` the chat's blank lines are kept below the text (the paragraph being
    written holds them): the text must look the same, the lines below it blank."""
    refreshes: list[tuple[bool, int]] = []  # on screen: (asked for a layout, regions given)
    original = StreamedParagraph.refresh

    def spy(self: StreamedParagraph, *regions: Any, **kwargs: Any) -> Any:
        if self.is_mounted:
            refreshes.append((bool(kwargs.get("layout")), len(regions)))
        return original(self, *regions, **kwargs)

    monkeypatch.setattr(StreamedParagraph, "refresh", spy)
    rng = random.Random(seed)
    app = SideBySide()
    async with app.run_test(size=(2 * WIDTH, 45)) as pilot:
        streamed = app.query_one("#streamed", StreamedMarkdown)
        plain = app.query_one("#plain", Markdown)
        position = writes = 0
        while position < len(answer):
            chunk = answer[position : position + rng.randint(1, 20)]
            position += len(chunk)
            writes += 1
            await streamed.append(chunk)
            await plain.update(answer[:position])
            if reserve:
                streamed.reserve_ahead()
            await pilot.pause()
            left, right = halves(app)
            if reserve:
                text_rows = plain.outer_size.height
                assert all(map(looks_same, left[:text_rows], right[:text_rows])), (
                    f"differs after {answer[:position]!r}"
                )
                below = left[text_rows : streamed.outer_size.height]  # (on screen)
                assert below or text_rows >= len(left)
                assert all(char == " " for row in below for char, _ in row)
            else:
                assert left == right, f"differs after {answer[:position]!r}"
        if SPEEDUPS_OFF:
            return  # Textual's own widgets drew it, and it looked the same: nothing more to hold
        # the lists a block followed are each drawn by one widget (all but the one holding code)
        flat = [child for child in streamed.children if isinstance(child, FlatListMixin)]
        assert len(flat) == (2 if answer is LISTS else 1) and not any(child.children for child in flat)
    if answer is LISTS:
        return  # (the paragraph figures below are about prose)
    partial = sum(1 for layout, regions in refreshes if regions and not layout)
    assert partial > writes / 3  # many writes repainted a line or two, without a layout
    if reserve:  # the paragraph grew into the room it holds: a layout only every few lines
        assert sum(1 for layout, _ in refreshes if layout) < writes / 5


@needs_speedups
async def test_a_streamed_list_keeps_its_widgets_and_mounts_only_new_items() -> None:
    app = SideBySide()
    async with app.run_test(size=(2 * WIDTH, 45)) as pilot:
        streamed = app.query_one("#streamed", StreamedMarkdown)
        await streamed.append("Watch:\n\n- the 50-day")
        await pilot.pause()
        listed = streamed.children[-1]
        first_item = listed.children[0]
        paragraph = first_item.query_one(StreamedParagraph)
        for chunk in (" SMA at 184", "\n- earnings", " on the 30th\n- the", " dividend"):
            await streamed.append(chunk)
            await pilot.pause()
        assert streamed.children[-1] is listed  # the same list, grown
        assert listed.children[0] is first_item and first_item.query_one(StreamedParagraph) is paragraph
        assert [str(p.render()) for p in listed.query(StreamedParagraph)] == [
            "the 50-day SMA at 184",
            "earnings on the 30th",
            "the dividend",
        ]
        # a number that widens the bullets: Textual's remount, the same look (test above)
        await streamed.append("\n\nSteps:\n\n" + "".join(f"{n}. step\n" for n in range(1, 10)))
        await pilot.pause()
        numbered = streamed.children[-1]
        await streamed.append("10. the tenth step\n")
        await pilot.pause()
        assert streamed.children[-1] is not numbered
        assert len(streamed.children[-1].children) == 10
        # the first list is finished (a block follows it): one widget, no children
        assert listed not in streamed.children and isinstance(streamed.children[1], FlatListMixin)
        assert not streamed.children[1].children


class History(App[None]):
    """A finished answer (FinishedMarkdown) beside Textual's Markdown of the same text."""

    CSS = SideBySide.CSS

    def __init__(self, answer: str) -> None:
        super().__init__()
        self.answer = answer

    def compose(self) -> ComposeResult:
        with Horizontal():
            with VerticalScroll(id="left"):
                yield FinishedMarkdown(self.answer, id="finished")
            with VerticalScroll(id="right"):
                yield Markdown(self.answer, id="plain")


@needs_speedups
@pytest.mark.parametrize("answer", [ANSWER, LISTS], ids=["prose", "lists"])
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_a_finished_answer_draws_each_list_as_one_widget_that_looks_the_same(
    answer: str, theme: str
) -> None:
    app = History(answer)
    async with app.run_test(size=(2 * WIDTH, 60)) as pilot:
        app.theme = theme
        await pilot.pause()
        left, right = halves(app)
        assert left == right
        finished, plain = app.query_one("#finished"), app.query_one("#plain")
        assert len(list(finished.query("*"))) < len(list(plain.query("*"))) / 2
        lists = [widget for widget in finished.query("*") if isinstance(widget, FlatListMixin)]
        one_widget = [widget for widget in lists if not widget.children]
        assert len(one_widget) == (2 if answer is LISTS else 1)
        assert len(lists) - len(one_widget) == (1 if answer is LISTS else 0)  # (code in an item)


@needs_speedups
async def test_ending_the_stream_flattens_the_last_list_and_restyles_it_in_place() -> None:
    from naetra_tui.services.chat.figures import find_figures, mark_figures

    answer = "Levels:\n\n- support at 184.5\n- resistance at 192.25\n  - then 197\n- RSI 58"
    marked_answer = mark_figures(answer, [figure.text for figure in find_figures(answer)][::2])
    app = SideBySide()
    async with app.run_test(size=(2 * WIDTH, 30)) as pilot:
        streamed = app.query_one("#streamed", StreamedMarkdown)
        plain = app.query_one("#plain", Markdown)
        for start in range(0, len(answer), 9):
            await streamed.append(answer[start : start + 9])
        await streamed.finish()
        await plain.update(answer)
        await pilot.pause()
        assert halves(app)[0] == halves(app)[1]
        (flat,) = [child for child in streamed.children if isinstance(child, FlatListMixin)]
        assert not flat.children and "resistance at 192.25" in flat.list_rows.plain
        await streamed.restyle(marked_answer)
        await plain.update(marked_answer)
        await pilot.pause()
        left, right = halves(app)
        assert left == right and marked_answer != answer
        assert [child for child in streamed.children if isinstance(child, FlatListMixin)] == [flat]


def test_grew_at_end_needs_the_same_styles_not_just_the_same_text() -> None:
    from textual.content import Content

    from naetra_tui.ui.perf.streamed_markdown import grew_at_end

    old = Content("price **up")
    assert grew_at_end(old, Content("price **up 2%"))
    assert not grew_at_end(old, Content("price ") + Content.styled("up 2%", "bold"))
    assert not grew_at_end(Content("abc"), Content("abd"))


@needs_speedups
async def test_a_streamed_paragraph_reports_the_text_it_shows() -> None:
    app = SideBySide()
    async with app.run_test(size=(2 * WIDTH, 20)) as pilot:
        streamed = app.query_one("#streamed", StreamedMarkdown)
        await streamed.append("first words")
        await pilot.pause()
        await streamed.append(" and more")
        await pilot.pause()
        paragraph = streamed.query_one(StreamedParagraph)
        assert str(paragraph.content) == str(paragraph.visual) == "first words and more"
        paragraph.content = "replaced"
        await pilot.pause()
        assert str(paragraph.visual) == "replaced"
        assert "replaced" in "".join(text for text, _ in halves(app)[0][0])


def test_a_small_view_reserves_fewer_lines() -> None:
    from naetra_tui.ui.perf.streamed_markdown import RESERVE_LINES, RESERVE_MIN, lines_to_reserve

    assert lines_to_reserve(45) == RESERVE_LINES  # a tall view: the full step
    assert lines_to_reserve(13) == RESERVE_MIN < RESERVE_LINES  # the chat at 80x24
    assert all(RESERVE_MIN <= lines_to_reserve(h) <= h // 2 for h in range(RESERVE_MIN * 2, 100))


@needs_speedups
async def test_a_streaming_answer_keeps_lines_reserved_below_it_in_steps() -> None:
    from naetra_tui.ui.perf.streamed_markdown import RESERVE_LINES

    app = SideBySide()
    async with app.run_test(size=(2 * WIDTH, 45)) as pilot:
        streamed = app.query_one("#streamed", StreamedMarkdown)
        reservations = []
        for word in range(150):
            await streamed.append(f"word{word} ")
            await pilot.pause()
            streamed.reserve_ahead()
            await pilot.pause()
            paragraph = streamed.query_one(StreamedParagraph)
            # never less room than the text needs, and always some blank lines ahead of it
            assert paragraph.outer_size.height >= paragraph.text_height()
            assert streamed.outer_size.height >= paragraph.text_height() + 2
            reservations.append(streamed.styles.min_height.value if streamed.styles.min_height else 0)
        paragraph_lines = paragraph.outer_size.height
        steps = sorted(set(reservations))
        assert len(steps) < paragraph_lines  # renewed every few lines, not every line
        assert all(b - a >= RESERVE_LINES - 2 for a, b in itertools.pairwise(steps))
        streamed.release_reserve()
        await pilot.pause()
        assert streamed.styles.min_height is None
        assert streamed.outer_size.height == paragraph.outer_size.height + 1  # its bottom margin


@pytest.mark.parametrize("answer", [ANSWER, LISTS], ids=["prose", "lists"])
async def test_marking_figures_after_the_stream_restyles_the_blocks_in_place(answer: str) -> None:
    from naetra_tui.services.chat.figures import find_figures, mark_figures

    figures = [figure.text for figure in find_figures(answer)][::2]
    marked_answer = mark_figures(answer, figures)
    assert marked_answer != answer
    app = SideBySide()
    async with app.run_test(size=(2 * WIDTH, 60)) as pilot:
        streamed = app.query_one("#streamed", StreamedMarkdown)
        plain = app.query_one("#plain", Markdown)
        for start in range(0, len(answer), 40):
            await streamed.append(answer[start : start + 40])
        await pilot.pause()
        paragraphs = list(streamed.query(StreamedParagraph))
        await streamed.restyle(marked_answer)
        await plain.update(marked_answer)
        await pilot.pause()
        left, right = halves(app)
        assert left == right  # as Textual shows the marked answer
        if answer is ANSWER:  # (LISTS holds a code block in an item: that list is remounted)
            assert list(streamed.query(StreamedParagraph)) == paragraphs  # the same widgets
        assert streamed.source == marked_answer


async def test_restyling_an_answer_of_another_shape_replaces_its_blocks() -> None:
    app = SideBySide()
    async with app.run_test(size=(2 * WIDTH, 30)) as pilot:
        streamed = app.query_one("#streamed", StreamedMarkdown)
        plain = app.query_one("#plain", Markdown)
        await streamed.append("One paragraph at 12.5.")
        await pilot.pause()
        await streamed.restyle("One paragraph at `12.5 ?`.\n\n- and a list")
        await plain.update("One paragraph at `12.5 ?`.\n\n- and a list")
        await pilot.pause()
        left, right = halves(app)
        assert left == right
