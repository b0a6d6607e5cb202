"""Strips make their caches when first used, and behave and cache as Textual's do."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import DimFilter
from textual.strip import Strip

from naetra_tui.ui.perf import lazy_strip_caches

BOLD = Style(bold=True)
RED = Style(color="red")


@pytest.fixture(autouse=True)
def installed() -> None:
    assert lazy_strip_caches.install()


def sample() -> Strip:
    return Strip([Segment("hello ", BOLD), Segment("world", RED), Segment("!")])


def test_a_new_strip_has_no_caches_until_a_method_needs_one() -> None:
    strip = sample()
    for slot in lazy_strip_caches.CACHE_USERS.values():
        assert getattr(strip, slot) is None, slot
    strip.crop(0, 5)
    assert strip._crop_cache is not None and strip._divide_cache is None


def test_results_are_right_and_cached_as_before() -> None:
    strip = sample()
    assert strip.cell_length == 12
    cropped = strip.crop(2, 8)
    assert cropped.text == "llo wo" and strip.crop(2, 8) is cropped  # the second call is a cache hit
    pieces = strip.divide([5, 9, 12])  # (each cut is where a piece ends)
    assert [p.text for p in pieces] == ["hello", " wor", "ld!"] and strip.divide([5, 9, 12]) is pieces
    styled = strip.apply_style(Style(italic=True))
    assert all(s.style and s.style.italic for s in styled) and strip.apply_style(Style(italic=True)) is styled
    longer = strip.adjust_cell_length(15)
    assert longer.cell_length == 15 and longer.text == "hello world!   "
    assert strip.adjust_cell_length(15) is longer
    extended = strip.crop_extend(6, 14, None)
    assert extended.text == "world!  " and strip.crop_extend(6, 14, None) is extended
    moved = strip.apply_offsets(3, 4)
    assert [s.style.meta["offset"] for s in moved if s.style] == [(3, 4), (9, 4), (14, 4)]  # each segment's x
    assert strip.apply_offsets(3, 4) is moved
    dim = DimFilter()
    filtered = strip.apply_filter(dim, Color(0, 0, 0))
    assert filtered.text == strip.text and strip.apply_filter(dim, Color(0, 0, 0)) is filtered


def test_strips_made_by_textuals_own_helpers_work() -> None:
    joined = Strip.join([sample(), Strip.blank(3)])
    assert joined.text == "hello world!   " and joined.crop(0, 5).text == "hello"
    assert Strip.blank(4, BOLD).divide([2, 4])[1].cell_length == 2


def test_a_changed_strip_class_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Strip, "__slots__", [*Strip.__slots__, "_new_cache"])
    assert not lazy_strip_caches.compatible()
    monkeypatch.setattr(lazy_strip_caches, "_installed", False)
    init = Strip.__init__
    assert lazy_strip_caches.install() is False
    assert Strip.__init__ is init
